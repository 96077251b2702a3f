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
