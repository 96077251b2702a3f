import type { Simulator } from '../../src/simulator.ts';

/** Starts an echo conversation in-process; returns the response. */
export async function startEcho(sim: Simulator, text = 'hi', token = 'good-token') {
  return await sim.app.request('/echo/v1/conversations', {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
}

/** Sends a JSON body to an admin route in-process. */
export async function admin(sim: Simulator, method: string, path: string, body?: unknown) {
  return await sim.app.request(`/__admin${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}
