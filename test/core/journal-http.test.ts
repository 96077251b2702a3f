// The journal over a real socket, where @hono/node-server's lightweight requests and answers are in play.
import { expect, test } from 'vitest';
import { createTestSimulator } from '../support/simulator.ts';

test('over HTTP the journal records the request body and the answer the client got', async () => {
  const sim = await createTestSimulator();
  const { url } = await sim.listen(0);
  const body = JSON.stringify({ text: 'héllo over a socket' });
  const res = await fetch(`${url}/echo/v1/conversations`, {
    method: 'POST',
    headers: { authorization: 'Bearer good-token', 'content-type': 'application/json' },
    body,
  });
  const answer = await res.text();
  expect(res.status).toBe(201);
  const [entry] = sim.control.requests();
  expect(entry).toMatchObject({ status: 201, requestBody: body, responseBody: answer });
  expect(JSON.parse(answer)).toMatchObject({ id: expect.any(String) });
});

test('over HTTP a refused request and an unmatched one are recorded with the answers sent', async () => {
  const sim = await createTestSimulator();
  const { url } = await sim.listen(0);
  const refused = await fetch(`${url}/echo/v1/conversations`, {
    method: 'POST',
    headers: { authorization: 'Bearer bad', 'content-type': 'application/json' },
    body: '{}',
  });
  const unmatched = await fetch(`${url}/echo/v1/nowhere`, { method: 'POST', body: 'x' });
  const answers = [await refused.text(), await unmatched.text()];
  expect(sim.control.requests().map((r) => [r.status, r.responseBody])).toEqual([
    [refused.status, answers[0]],
    [404, answers[1]],
  ]);
  expect(unmatched.headers.get('x-convosim-unmatched')).toMatch(/No convosim route matches POST/);
});
