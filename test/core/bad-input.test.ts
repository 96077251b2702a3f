import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import request from 'supertest';
import { expect, test } from 'vitest';
import { startEcho } from '../support/requests.ts';
import { createTestSimulator } from '../support/simulator.ts';

test('an unknown route under a provider base path answers 404 in its envelope, with the nearest routes', async () => {
  const sim = await createTestSimulator();
  const res = await sim.app.request('/echo/v1/conversation', { method: 'POST' });
  expect(res.status).toBe(404);
  const body = (await res.json()) as { fault: { message: string } };
  expect(body.fault.message).toMatch(
    /No convosim route matches POST \/echo\/v1\/conversation under provider 'echo'/,
  );
  expect(body.fault.message).toMatch(/Nearest: POST \/echo\/v1\/conversations/);
  expect(res.headers.get('x-convosim-unmatched')).toBe(body.fault.message);
  expect(sim.control.requests()[0]).toMatchObject({
    status: 404,
    provider: 'echo',
    note: body.fault.message,
  });
});

test('an unknown route outside every provider lists the providers and their base paths', async () => {
  const sim = await createTestSimulator();
  const res = await sim.app.request('/api/whatever');
  expect(res.status).toBe(404);
  expect(await res.json()).toMatchObject({
    provider: null,
    providers: [{ name: 'echo', title: 'Echo test provider', basePaths: ['/echo/v1'] }],
  });
});

test('a known path with another method says which methods exist', async () => {
  const sim = await createTestSimulator();
  const res = await sim.app.request('/echo/v1/conversations', { method: 'DELETE' });
  expect(((await res.json()) as { fault: { message: string } }).fault.message).toMatch(
    /The path exists for POST\./,
  );
});

test('a body over the limit answers 413 in the provider envelope and writes nothing', async () => {
  const sim = await createTestSimulator({ bodyLimit: 1024 });
  const res = await sim.app.request('/echo/v1/conversations', {
    method: 'POST',
    headers: { authorization: 'Bearer good-token', 'content-type': 'application/json' },
    body: JSON.stringify({ text: 'x'.repeat(2000) }),
  });
  expect(res.status).toBe(413);
  expect(await res.json()).toEqual({
    fault: { status: 413, message: 'Request body exceeds the limit of 1024 bytes' },
  });
  expect(sim.control.conversations()).toEqual([]);
  expect(sim.control.requests()[0]?.status).toBe(413);
});

test('a body over the limit sent without content-length (chunked) is refused over a real socket', async () => {
  const sim = await createTestSimulator({ bodyLimit: 1024 });
  const { url } = await sim.listen(0);
  const res = await fetch(`${url}/echo/v1/conversations`, {
    method: 'POST',
    headers: { authorization: 'Bearer good-token', 'content-type': 'application/json' },
    body: new ReadableStream({
      start(controller) {
        for (let i = 0; i < 4; i++) controller.enqueue(new TextEncoder().encode('x'.repeat(600)));
        controller.close();
      },
    }),
    duplex: 'half',
  } as RequestInit);
  expect(res.status).toBe(413);
  expect(sim.control.conversations()).toEqual([]);
});

test('the default body limit is 1 MiB', async () => {
  const sim = await createTestSimulator();
  const { url } = await sim.listen(0);
  const big = JSON.stringify({ text: 'x'.repeat(1024 * 1024) });
  const res = await request(url)
    .post('/echo/v1/conversations')
    .set('authorization', 'Bearer good-token')
    .type('json')
    .send(big);
  expect(res.status).toBe(413);
  const ok = await request(url)
    .post('/echo/v1/conversations')
    .set('authorization', 'Bearer good-token')
    .type('json')
    .send(JSON.stringify({ text: 'x'.repeat(1000 * 1000) }));
  expect(ok.status).toBe(201);
});

test('malformed JSON gets the provider error, writes nothing, and the server keeps serving', async () => {
  const sim = await createTestSimulator();
  const res = await sim.app.request('/echo/v1/conversations', {
    method: 'POST',
    headers: { authorization: 'Bearer good-token', 'content-type': 'application/json' },
    body: '{"text": ',
  });
  expect(res.status).toBe(400);
  expect(sim.control.conversations()).toEqual([]);
  expect((await startEcho(sim)).status).toBe(201);
});

test('a 413 answer closes the connection, so no later request is sent on a socket with an unread body', async () => {
  const sim = await createTestSimulator({ bodyLimit: 1024 });
  const { port } = await sim.listen(0);
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => {
    received += chunk;
  });
  const ended = new Promise<void>((resolve) => socket.once('end', resolve));
  const body = JSON.stringify({ text: 'x'.repeat(5000) });
  socket.write(
    'POST /echo/v1/conversations HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer good-token\r\n' +
      `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
  );
  socket.write('GET /__admin/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  await ended;
  socket.destroy();
  const answers = received.match(/^HTTP\/1\.1 \d+/gm);
  expect(answers).toEqual(['HTTP/1.1 413']);
  expect(received).toMatch(/^connection: close$/im);
  expect(sim.control.conversations()).toEqual([]);
});

test('after a 413 on a keep-alive agent the next request goes through on a new connection', async () => {
  const sim = await createTestSimulator({ bodyLimit: 1024 });
  const { port } = await sim.listen(0);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const send = (method: string, path: string, body?: string) =>
    new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        { port, host: '127.0.0.1', method, path, agent, headers: { authorization: 'Bearer good-token' } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  expect(await send('POST', '/echo/v1/conversations', 'x'.repeat(3 * 1024 * 1024))).toBe(413);
  expect(await send('GET', '/__admin/health')).toBe(200);
  agent.destroy();
});

test('toEcho quotes input escaped and cut, and survives values too deep to serialize', async () => {
  const { toEcho } = await import('../../src/echo.ts');
  expect(toEcho('a\nb')).toBe('"a\\nb"');
  expect(toEcho('x'.repeat(300), 10)).toBe(`"${'x'.repeat(10)}…(+290 chars)"`);
  let deep: unknown[] = [];
  for (let i = 0; i < 100_000; i++) deep = [deep];
  expect(toEcho(deep)).toBe('"[array]"');
});
