import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A webhook request as the receiver got it. */
export type ReceivedRequest = {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  json: unknown;
};

/** How the receiver answers: a status, or a function of the request. */
export type Responder = number | ((request: ReceivedRequest) => number);

/** A real HTTP server on 127.0.0.1 that records webhooks: the system under test, in tests. */
export type Receiver = {
  url: string;
  requests: ReceivedRequest[];
  respondWith(responder: Responder): void;
  close(): Promise<void>;
};

/** Starts a receiver on a free loopback port. */
export async function startReceiver(options: { respond?: Responder } = {}): Promise<Receiver> {
  let responder: Responder = options.respond ?? 200;
  const requests: ReceivedRequest[] = [];
  const server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) headers[name] = String(value);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    const request: ReceivedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers,
      body,
      json,
    };
    requests.push(request);
    res.statusCode = typeof responder === 'number' ? responder : responder(request);
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respondWith(next) {
      responder = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
