import { type Context, Hono } from 'hono';
import { stream } from 'hono/streaming';
import { z } from 'zod';
import { parseDuration } from '../duration.ts';
import { ControlError } from '../errors.ts';
import { parseJson } from '../http.ts';
import type { ScenarioApi } from './engine.ts';
import { createRunLeases, DEFAULT_LEASE_MS } from './leases.ts';
import { ScenarioError } from './load.ts';
import { fromTranscript } from './replay.ts';
import type { ScenarioRun } from './run.ts';

// A client that follows its runs (the CLI) names itself; its runs are cancelled when it goes away (leases.ts).
const leaseFields = {
  client: z.string().min(1).max(200).optional(),
  leaseMs: z.number().int().min(1000).max(600_000).optional(),
};

const runBodySchema = z
  .object({
    source: z.union([z.string(), z.record(z.string(), z.unknown())]),
    file: z.string().optional(),
    conversationId: z.string().optional(),
    data: z.record(z.string(), z.unknown()).optional(),
    seed: z.number().int().optional(),
    drive: z.boolean().optional(),
    settleMs: z.number().int().min(0).max(60_000).optional(),
    ...leaseFields,
  })
  .strict();

const replayBodySchema = z
  .object({
    transcript: z.unknown(),
    ignore: z.array(z.string()).optional(),
    within: z.union([z.string(), z.number()]).optional(),
    drive: z.boolean().optional(),
    settleMs: z.number().int().min(0).max(60_000).optional(),
    ...leaseFields,
  })
  .strict();

const armBodySchema = z
  .object({ source: z.union([z.string(), z.record(z.string(), z.unknown())]), file: z.string().optional() })
  .strict();

/** The scenario admin routes, mounted at /__admin/scenarios: thin glue over the ScenarioApi. */
export function createScenarioRoutes(api: ScenarioApi): Hono {
  const app = new Hono();
  const leases = createRunLeases();
  const lease = (body: { client?: string; leaseMs?: number }, run: ScenarioRun) => {
    if (body.client !== undefined) leases.queue(body.client, body.leaseMs ?? DEFAULT_LEASE_MS, run);
  };
  const runOf = (id: string): ScenarioRun => {
    const run = api.get(id);
    if (!run)
      throw new ControlError(
        404,
        `No scenario run '${id}'. Please list them with GET /__admin/scenarios/runs.`,
      );
    return run;
  };
  const load = (source: string | object, file?: string) => {
    try {
      return api.load(source, { file });
    } catch (error) {
      if (error instanceof ScenarioError) throw new ControlError(400, error.message);
      throw error;
    }
  };

  app.get('/', (c) =>
    c.json({
      armed: api
        .armed()
        .map((a) => ({ id: a.id, scenario: a.scenario.name, runs: a.runs().map((r) => r.id) })),
      runs: api.runs().map((r) => summarize(r)),
    }),
  );
  // Held open by a client (the CLI) for as long as it follows its runs; closing it cancels them (leases.ts).
  app.get('/clients/:client/hold', (c) => {
    const client = c.req.param('client');
    return stream(c, async (out) => {
      const release = leases.hold(client);
      const closed = new Promise<void>((resolve) => out.onAbort(resolve));
      await out.write(`${JSON.stringify({ held: client })}\n`);
      await closed;
      release();
    });
  });
  app.get('/runs', (c) => c.json({ runs: api.runs().map((r) => r.report()) }));
  app.post('/runs', async (c) => {
    const body = parse(runBodySchema, await readJsonBody(c));
    const scenario = load(body.source, body.file);
    const run = api.run(scenario, {
      conversationId: body.conversationId,
      data: body.data,
      seed: body.seed,
      drive: body.drive ? { settleMs: body.settleMs } : false,
    });
    lease(body, run);
    return c.json(run.report(), 201);
  });
  app.get('/runs/:id', (c) => {
    const run = runOf(c.req.param('id'));
    leases.touch(run)(false);
    return c.json(run.report());
  });
  app.get('/runs/:id/wait', async (c) => {
    const run = runOf(c.req.param('id'));
    const timeoutMs = toTimeout(c.req.query('timeout'));
    const seen = Number(c.req.query('settled') ?? '-1');
    const report = run.report();
    const end = leases.touch(run);
    if (run.isFinished() || countSettled(report) > seen) {
      end(false);
      return c.json(report);
    }
    let timer: NodeJS.Timeout | undefined;
    const signal = c.req.raw.signal;
    let onAbort = () => {};
    const stop = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
      onAbort = () => resolve();
      signal.addEventListener('abort', onAbort);
    });
    await Promise.race([api.nextChange(run), stop]);
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    end(signal.aborted);
    return c.json(run.report());
  });
  app.delete('/runs/:id', (c) => {
    runOf(c.req.param('id')).cancel('cancelled through the admin API');
    return c.json(runOf(c.req.param('id')).report());
  });
  app.post('/armed', async (c) => {
    const body = parse(armBodySchema, await readJsonBody(c));
    const armed = api.arm(load(body.source, body.file));
    return c.json({ id: armed.id, scenario: armed.scenario.name }, 201);
  });
  app.delete('/armed/:id', (c) => {
    const armed = api.armed().find((a) => a.id === c.req.param('id'));
    if (!armed) throw new ControlError(404, `No armed scenario '${c.req.param('id')}'.`);
    armed.disarm();
    return c.body(null, 204);
  });
  app.get('/transcripts/:provider/:conversationId', (c) => {
    let transcript: ReturnType<ScenarioApi['transcript']>;
    try {
      transcript = api.transcript(c.req.param('provider'), c.req.param('conversationId'));
    } catch (error) {
      throw new ControlError(404, (error as Error).message);
    }
    if (c.req.query('format') === 'scenario') {
      return c.text(fromTranscript(transcript).text, 200, { 'content-type': 'application/yaml' });
    }
    return c.json(transcript);
  });
  app.post('/replays', async (c) => {
    const body = parse(replayBodySchema, await readJsonBody(c));
    let text: string;
    try {
      text = fromTranscript(body.transcript as never, { ignore: body.ignore, within: body.within }).text;
    } catch (error) {
      throw new ControlError(400, `Invalid transcript: ${(error as Error).message}`);
    }
    const run = api.run(load(text, 'replay.yaml'), {
      drive: body.drive ? { settleMs: body.settleMs } : false,
    });
    lease(body, run);
    return c.json(run.report(), 201);
  });

  app.onError((error, c) => {
    if (error instanceof ControlError) return c.json({ error: error.message }, error.status as 400);
    throw error;
  });
  return app;
}

function summarize(run: ScenarioRun) {
  const report = run.report();
  return {
    id: report.id,
    scenario: report.scenario,
    status: report.status,
    conversationId: report.conversationId,
  };
}

/** Steps that have passed or failed. */
export function countSettled(report: { steps: { status: string }[]; status: string }): number {
  return report.steps.filter((s) => s.status === 'passed' || s.status === 'failed').length;
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ControlError(400, `Invalid body: ${z.prettifyError(result.error)}`);
  return result.data;
}

function toTimeout(value: string | undefined): number {
  try {
    return value === undefined ? 30_000 : Math.min(parseDuration(value), 300_000);
  } catch (error) {
    throw new ControlError(400, (error as Error).message);
  }
}

// The admin body, parsed with the core's depth limit; anything unreadable is undefined (the schema says why).
async function readJsonBody(c: Context): Promise<unknown> {
  try {
    return parseJson(await c.req.text());
  } catch {
    return undefined;
  }
}
