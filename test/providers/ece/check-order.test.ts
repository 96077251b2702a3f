// Simulator choices of docs/providers/ece.md that no source states (issue 16 item 3): the order in which start
// checks a request, repeated and unsupported query parameters, timeOffset, and the configuration endpoint's errors.
import { describe, expect, test } from 'vitest';
import {
  BASE,
  createEceSim,
  eceAdmin,
  getToken,
  JANE,
  LAST_MODIFIED,
  sendMessage,
  settle,
  start,
  startBody,
  startOk,
  wsError,
} from './helpers.ts';

type Sim = Awaited<ReturnType<typeof createEceSim>>['sim'];

/** One way a start request can be wrong, as a change of a valid request, and the WSError it answers. */
type Fault = {
  what: string;
  code: string;
  apply(request: Request, sim: Sim): Promise<void> | void;
};

type Request = {
  token: string;
  headers: Record<string, string>;
  query: string;
  body: Record<string, unknown>;
};

/** The faults in the order start checks them (simulator choice, docs/providers/ece.md). */
const FAULTS: Fault[] = [
  {
    what: 'an unknown session',
    code: '401-103',
    apply: (r) => {
      r.token = 'no-such-token';
    },
  },
  {
    what: 'a client application not of type Chat',
    code: '403-101',
    apply: async (r, sim) => {
      r.token = await getToken(sim, 'ece-email-key', 'ece-email-secret');
    },
  },
  {
    what: 'an Accept naming neither JSON nor XML',
    code: '406-102',
    apply: (r) => {
      r.headers.accept = 'text/html';
    },
  },
  {
    what: 'an invalid Accept-Language',
    code: '406-101',
    apply: (r) => {
      r.headers['accept-language'] = 'xx-YY';
    },
  },
  {
    what: 'an unsupported query parameter',
    code: '400-102',
    apply: (r) => {
      r.query += '&color=red';
    },
  },
  {
    what: 'a missing required element',
    code: '400-106',
    apply: (r) => {
      r.body.entryPointConfiguration = { lastModified: { date: LAST_MODIFIED } };
      r.body.activity = { subject: '' };
    },
  },
  {
    what: 'an invalid element',
    code: '400-107',
    apply: (r) => {
      r.body.activity = { subject: '' };
    },
  },
  {
    what: 'an entry point that does not exist',
    code: '400-114',
    apply: (r) => {
      r.body.entryPointConfiguration = { entryPoint: { id: 4242 }, lastModified: { date: '2000-01-01' } };
    },
  },
  {
    what: 'an entry point the application is not configured for',
    code: '403-102',
    apply: (r) => {
      r.body.entryPointConfiguration = { entryPoint: { id: 1002 }, lastModified: { date: '2000-01-01' } };
    },
  },
  {
    what: 'a stale lastModified.date',
    code: '409-101',
    apply: (r) => {
      r.body.entryPointConfiguration = { entryPoint: { id: 1001 }, lastModified: { date: '2000-01-01' } };
    },
  },
  {
    what: 'a customer search that finds several contacts',
    code: '400-110',
    apply: (r) => {
      r.query = 'searchContactOnAttribute=mobile.phone';
      r.body.activity = {
        customer: {
          type: { value: 'individual' },
          contacts: {
            contact: [{ firstName: 'X', phone: [{ type: { value: 'mobile' }, phoneNumber: '5550100' }] }],
          },
        },
      };
    },
  },
  {
    what: 'the assignment service not running',
    code: '400-115',
    apply: async (_r, sim) => {
      await eceAdmin(sim, 'PUT', '/settings', { assignmentServiceRunning: false });
    },
  },
];

async function send(sim: Sim, request: Request) {
  return wsError(
    await start(sim, {
      token: request.token,
      headers: request.headers,
      query: request.query,
      body: request.body,
    }),
  );
}

describe('the order start checks a request in (simulator choice)', () => {
  test.each(FAULTS.map((fault, i) => [fault.what, i] as const))(
    'with %s and every later fault, start answers the first',
    async (_what, first) => {
      const { sim } = await createEceSim();
      const request: Request = {
        token: await getToken(sim),
        headers: {},
        query: 'searchContactOnAttribute=email.emailAddress',
        body: startBody({ customer: JANE }),
      };
      // Later faults first, so that an earlier one overrides the same element.
      for (const fault of FAULTS.slice(first).reverse()) await fault.apply(request, sim);
      expect(await send(sim, request)).toMatchObject({ code: FAULTS[first]!.code });
    },
  );

  test('the request without any fault starts a conversation', async () => {
    const { sim } = await createEceSim();
    await startOk(sim, {
      query: 'searchContactOnAttribute=email.emailAddress',
      body: startBody({ customer: JANE }),
    });
  });
});

describe('query parameters (simulator choices)', () => {
  test('sendmessage with any query parameter answers 400', async () => {
    const { sim } = await createEceSim();
    const token = await getToken(sim);
    const conversation = await startOk(sim, { token });
    await settle(sim);
    const res = await sim.app.request(`${BASE}/messaging/sendmessage?debug=1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        conversation: { id: conversation.id },
        type: { value: 'text/plain' },
        content: 'x',
      }),
    });
    expect(await wsError(res)).toMatchObject({ status: 400, code: '400-102' });
    expect(
      (
        await sendMessage(sim, token, {
          conversation: { id: conversation.id },
          type: { value: 'text/plain' },
          content: 'x',
        })
      ).status,
    ).toBe(200);
  });

  test.each(['-300', '+60', '0', 330])('timeOffset %s (whole minutes) is accepted', async (timeOffset) => {
    const { sim } = await createEceSim();
    await startOk(sim, { body: startBody({ payload: { chat: { clientInfo: { timeOffset } } } }) });
  });

  test.each(['UTC+1', '5.5', '-05:00', ''])(
    'timeOffset %j (not whole minutes) answers 400',
    async (timeOffset) => {
      const { sim } = await createEceSim();
      const res = await start(sim, {
        body: startBody({ payload: { chat: { clientInfo: { timeOffset } } } }),
      });
      expect(await wsError(res)).toMatchObject({ status: 400, code: '400-107' });
    },
  );
});

describe('the configuration endpoint (simulator choices)', () => {
  const configuration = async (sim: Sim, query: string) =>
    sim.app.request(`${BASE}/messaging/configuration?${query}`, {
      headers: { authorization: `Bearer ${await getToken(sim)}`, accept: 'application/json' },
    });

  test('configuration of an entry point that does not exist answers 400', async () => {
    const { sim } = await createEceSim();
    expect(await wsError(await configuration(sim, 'entrypoint=4242'))).toMatchObject({
      status: 400,
      code: '400-114',
    });
  });

  test('configuration with another query parameter, or entrypoint twice, answers 400', async () => {
    const { sim } = await createEceSim();
    expect(await wsError(await configuration(sim, 'entrypoint=1001&x=1'))).toMatchObject({ code: '400-102' });
    expect(await wsError(await configuration(sim, 'entrypoint=1001&entrypoint=1003'))).toMatchObject({
      code: '400-103',
    });
  });

  test('configuration answers the entry point name, department and queue besides id and lastModified', async () => {
    const { sim } = await createEceSim();
    const body = (await (await configuration(sim, 'entrypoint=1001')).json()) as {
      entryPointConfiguration: Array<Record<string, unknown>>;
    };
    expect(Object.keys(body.entryPointConfiguration[0]!)).toEqual([
      'entryPoint',
      'department',
      'queue',
      'lastModified',
    ]);
  });
});
