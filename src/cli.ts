// The CLI program: commands, flags and what they run. Importing it starts nothing; src/main.ts is the entry that
// parses argv, stops a server on signals and exits.
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { z } from 'zod';
import {
  ADMIN_TOKEN_ENV,
  ADMIN_TOKEN_HEADER,
  assertAdminBind,
  assertAdminToken,
  isLoopbackHost,
} from './admin-security.ts';
import { renderProviderLines } from './cli-banner.ts';
import { DEFAULT_DISPATCH_LIMITS } from './dispatcher.ts';
import { parseDuration } from './duration.ts';
import { checkFixtureDirs } from './fixtures.ts';
import { createLiveLog } from './live-log.ts';
import { defaultProviders } from './providers/registry.ts';
import {
  fetchTranscript,
  parseReportTargets,
  replayTranscriptFile,
  runScenarioFiles,
} from './scenarios/cli.ts';
import { DEFAULT_SETTLE_MS } from './scenarios/drive.ts';
import { loadScenarioFile, type ScenarioApi, scenarioExtension } from './scenarios/index.ts';
import { assembleSimulator, type LogLevel, type Simulator } from './simulator.ts';
import { resolveTls, type TlsCredentials, type TlsFlags, toTlsBannerLine } from './tls.ts';

const LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error'];

function toPort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError('must be 0 to 65535.');
  return port;
}

function toSeed(value: string): number {
  const seed = Number(value);
  if (!Number.isSafeInteger(seed)) throw new InvalidArgumentError('must be an integer.');
  return seed;
}

function toPositive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive integer.');
  return n;
}

function toNonNegative(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be 0 or a positive integer.');
  return n;
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

// Names that would reach Object.prototype (or a constructor) instead of an option of their own.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Turns `--option ece.callbackUrl=http://x` flags into { ece: { callbackUrl: 'http://x' } }. */
export function parseOptionFlags(pairs: readonly string[]): Record<string, Record<string, unknown>> {
  const options: Record<string, Record<string, unknown>> = {};
  for (const pair of pairs) {
    const match = /^([^.=]+)\.([^=]+)=(.*)$/.exec(pair);
    if (!match) throw new InvalidArgumentError(`'${pair}' must look like <provider>.<key>=<value>.`);
    const [, provider, key, raw] = match as unknown as [string, string, string, string];
    const forbidden = [provider, key].find((name) => FORBIDDEN_KEYS.has(name));
    if (forbidden !== undefined) {
      throw new InvalidArgumentError(
        `'${pair}' uses the reserved name '${forbidden}'. Please name a real option.`,
      );
    }
    if (!Object.hasOwn(options, provider)) options[provider] = {};
    const own = options[provider]!;
    own[key] = /^(true|false|-?\d+(\.\d+)?)$/.test(raw) ? JSON.parse(raw) : raw;
  }
  return options;
}

type OptionSchemas = readonly { name: string; options?: z.ZodType }[];

/**
 * Refuses `--option` flags that would be ignored or answered vaguely: a provider that is not served, a key the
 * provider does not have (listing the keys it has), a value its schema refuses (saying what it expects).
 */
export function checkOptionFlags(pairs: readonly string[], providers: OptionSchemas): void {
  const options = parseOptionFlags(pairs);
  const flagOf = (provider: string, key: string) =>
    pairs.findLast((p) => p.startsWith(`${provider}.${key}=`)) ?? `${provider}.${key}`;
  for (const [name, values] of Object.entries(options)) {
    const provider = providers.find((p) => p.name === name);
    if (!provider) {
      const key = Object.keys(values)[0] ?? '';
      throw new Error(
        `--option ${flagOf(name, key)} names no served provider '${name}'. Providers: ${providers.map((p) => p.name).join(', ')}.`,
      );
    }
    const shape =
      provider.options instanceof z.ZodObject ? (provider.options.shape as Record<string, z.ZodType>) : {};
    const keys = Object.keys(shape);
    for (const [key, value] of Object.entries(values)) {
      const field = Object.hasOwn(shape, key) ? shape[key] : undefined;
      if (!field) {
        const valid = keys.map((k) => `${k} (${describeExpected(shape[k]!)})`).join(', ') || '(none)';
        throw new Error(
          `--option ${flagOf(name, key)}: ${name} has no option '${key}'. Options of ${name}: ${valid}.`,
        );
      }
      if (!field.safeParse(value).success) {
        throw new Error(
          `--option ${flagOf(name, key)}: expected ${describeExpected(field)}, got '${String(value)}'.`,
        );
      }
    }
  }
}

type JsonSchema = {
  type?: string;
  description?: string;
  format?: string;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
};

/** Says in words what an option's schema accepts: `true or false`, `an integer >= 1`, `a URL`. */
function describeExpected(schema: z.ZodType): string {
  let json: JsonSchema;
  try {
    json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  } catch {
    return 'a valid value';
  }
  // A schema that says what it takes (`.describe()`) is taken at its word.
  if (typeof json.description === 'string') return json.description;
  const words = new Set<string>();
  const add = (s: JsonSchema) => {
    if (s.anyOf) for (const item of s.anyOf) add(item);
    else if (s.type === 'boolean' || s.enum?.every((v) => v === 'true' || v === 'false'))
      words.add('true or false');
    else if (s.enum) words.add(`one of ${s.enum.map(String).join(', ')}`);
    else if (s.type === 'integer' || s.type === 'number') {
      const bounds = [
        s.minimum !== undefined ? `>= ${s.minimum}` : '',
        s.exclusiveMinimum !== undefined ? `> ${s.exclusiveMinimum}` : '',
        s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER ? `<= ${s.maximum}` : '',
      ].filter(Boolean);
      words.add(
        `${s.type === 'integer' ? 'an integer' : 'a number'}${bounds.length ? ` ${bounds.join(' and ')}` : ''}`,
      );
    } else if (s.type === 'string') words.add(s.format === 'uri' ? 'a URL' : 'text');
    else words.add('a valid value');
  };
  add(json);
  return [...words].join(' or ');
}

/** Sends the admin token with every request the CLI makes to `<url>/__admin` (run, replay, transcript). */
function useAdminToken(url: string, token: string | undefined): void {
  if (token === undefined) return;
  const send = globalThis.fetch;
  globalThis.fetch = (input, init) => {
    const target = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!target.startsWith(`${url}/__admin`)) return send(input, init);
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    headers.set(ADMIN_TOKEN_HEADER, token);
    return send(input, { ...init, headers });
  };
}

function toAdminToken(value: string): string {
  try {
    assertAdminToken(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
  return value;
}

function adminTokenOption(): Option {
  const option = new Option(
    '--admin-token <token>',
    `token every /__admin request must carry (default: $${ADMIN_TOKEN_ENV})`,
  ).argParser(toAdminToken);
  const fromEnv = process.env[ADMIN_TOKEN_ENV];
  return fromEnv ? option.default(toAdminToken(fromEnv), `$${ADMIN_TOKEN_ENV}`) : option;
}

type ServeFlags = {
  port: number;
  host: string;
  db: string;
  seed: number;
  clock: 'real' | 'virtual';
  fixtures: string[];
  providers?: string;
  option: string[];
  bodyLimit?: number;
  startTime?: string;
  logLevel: LogLevel;
  logFormat?: 'json' | 'pretty';
  scenario: string[];
  adminToken?: string;
  allowRemoteAdmin?: boolean;
  journalLimit?: number;
  retain?: string;
  webhookConcurrency?: number;
  webhookQueueLimit?: number;
} & TlsFlags;

type FollowFlags = {
  url: string;
  adminToken?: string;
  timeout: number;
  drive: boolean;
  settle: number;
  report?: string[];
};

function toDuration(value: string): number {
  try {
    return parseDuration(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function toFollowOptions(flags: FollowFlags) {
  useAdminToken(flags.url.replace(/\/+$/, ''), flags.adminToken);
  return {
    url: flags.url.replace(/\/+$/, ''),
    timeoutMs: flags.timeout,
    drive: flags.drive,
    settleMs: flags.settle,
    reports: parseReportTargets(flags.report ?? []),
    write: (text: string) => process.stdout.write(text),
  };
}

function addFollowOptions(command: Command): Command {
  return command
    .option(
      '--url <url>',
      'base URL of the running simulator',
      process.env.CONVOSIM_URL ?? 'http://127.0.0.1:4010',
    )
    .addOption(
      new Option('--timeout <duration>', 'real time each run may take')
        .default(300_000, '5m')
        .argParser(toDuration),
    )
    .option('--no-drive', 'do not advance a virtual clock for the run (advance it yourself)')
    .addOption(
      new Option(
        '--settle <ms>',
        'real ms the simulator must be quiet (the system under test has reacted) before virtual time moves',
      )
        .default(DEFAULT_SETTLE_MS)
        .argParser(toNonNegative),
    )
    .option('--report <formatAndPath...>', 'write a report file: junit PATH or json PATH (repeatable)')
    .addOption(adminTokenOption());
}

/** What the entry does around the program: `serving` receives the way to stop a server once it listens. */
export type ProgramHooks = {
  /** `stop` closes the server, flushes the store and resolves to the exit code (0, or 1 if writes failed). */
  serving?(stop: (signal: string) => Promise<number>): void;
};

async function serve(flags: ServeFlags, hooks: ProgramHooks): Promise<void> {
  assertAdminBind(flags.host, { token: flags.adminToken, allowRemote: flags.allowRemoteAdmin });
  const wanted = flags.providers
    ?.split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const unknown = wanted?.filter((name) => !defaultProviders.some((p) => p.name === name)) ?? [];
  if (unknown.length > 0) {
    throw new Error(
      `unknown provider ${unknown.join(', ')}. Providers: ${defaultProviders.map((p) => p.name).join(', ') || '(none)'}.`,
    );
  }
  const providers = wanted ? defaultProviders.filter((p) => wanted.includes(p.name)) : defaultProviders;
  checkFixtureDirs(
    flags.fixtures,
    defaultProviders.map((p) => p.name),
  );
  checkOptionFlags(flags.option, providers);
  const threshold = LEVELS.indexOf(flags.logLevel);
  const logFormat = flags.logFormat ?? (process.stdout.isTTY ? 'pretty' : 'json');
  // The simulator's own warnings and errors stay on stderr; the live log of events goes to stdout.
  const note = (level: LogLevel, message: string) => {
    if (LEVELS.indexOf(level) >= threshold) process.stderr.write(`[convosim] ${level}: ${message}\n`);
  };
  const sim: Simulator = await assembleSimulator({
    providers,
    store: flags.db,
    seed: flags.seed,
    clock: flags.clock,
    startTime: flags.startTime,
    fixturesDirs: flags.fixtures,
    providerOptions: parseOptionFlags(flags.option),
    bodyLimit: flags.bodyLimit,
    extensions: [scenarioExtension()],
    adminToken: flags.adminToken,
    allowRemoteAdmin: flags.allowRemoteAdmin,
    journalLimit: flags.journalLimit,
    retain: flags.retain,
    webhooks: {
      ...(flags.webhookConcurrency ? { concurrency: flags.webhookConcurrency } : {}),
      ...(flags.webhookQueueLimit ? { maxQueued: flags.webhookQueueLimit } : {}),
    },
    logger: (level, message) => note(level, message),
  });
  const scenarios = sim.extensions.scenarios as ScenarioApi;
  try {
    for (const file of flags.scenario) scenarios.arm(loadScenarioFile(file, toKnownProviders(sim)));
  } catch (error) {
    await sim.close();
    throw error;
  }
  let tls: TlsCredentials | undefined;
  try {
    tls = resolveTls(flags, flags.host);
    await sim.listen(flags.port, flags.host, { tls });
  } catch (error) {
    await sim.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new Error(
        `port ${flags.port} on ${flags.host} is already in use. Please stop the other process or pick another with --port.`,
      );
    }
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      throw new Error(`cannot bind to host ${flags.host}.`);
    throw error;
  }
  const url = sim.url!;
  const lines = [`convosim listening on ${url}`];
  const guard = flags.adminToken
    ? 'token required'
    : isLoopbackHost(flags.host)
      ? 'loopback only'
      : 'open to the network, no token';
  lines.push(...renderProviderLines(sim, url, parseOptionFlags(flags.option)));
  lines.push(`  ${'admin'.padEnd(9)} ${url}/__admin (health: ${url}/__admin/health) · ${guard}`);
  lines.push(`  ${'inspector'.padEnd(9)} ${url}/__inspector (open in a browser: live conversations)`);
  lines.push(`  store ${flags.db} · clock ${flags.clock} · seed ${flags.seed}`);
  if (tls) lines.push(toTlsBannerLine(tls));
  for (const armed of scenarios.armed())
    lines.push(`  scenario  ${armed.scenario.name} (${armed.scenario.file}) armed`);
  const close = async (signal: string): Promise<number> => {
    let closeError: unknown = null;
    await sim.close().catch((error) => {
      closeError = error;
    });
    const { storage } = sim.control.health();
    if (closeError || storage.failures > 0) {
      // Writes were refused (answered 503) or the last snapshot failed: say so, and let the caller see it.
      const reason = closeError ? (closeError as Error).message : storage.error;
      process.stderr.write(
        `convosim: the store ${flags.db} could not be written (${storage.failures} failed writes; ${reason ?? 'see the log above'}).\n`,
      );
      return 1;
    }
    process.stdout.write(`convosim stopped (${signal}); store flushed to ${flags.db}\n`);
    return 0;
  };
  // A second signal while closing waits for the same close. The handlers are in place before the banner is
  // printed: whoever waits for it may stop the server at once (until then a signal kills with no flush).
  let stopping: Promise<number> | undefined;
  hooks.serving?.((signal) => {
    stopping ??= close(signal);
    return stopping;
  });
  process.stdout.write(`${lines.join('\n')}\n`);
  createLiveLog(sim, { level: flags.logLevel, format: logFormat });
}

function toKnownProviders(sim: Simulator) {
  // The core's actions too (raw.event, from a provider's webhook targets).
  return sim.providers.map((p) => ({
    name: p.name,
    actions: sim.control.actions(p.name).map((a) => a.action),
  }));
}

/**
 * `convosim wait`: polls `<url>/__admin/health` until the simulator answers ready, or fails after `timeoutMs` of
 * real time with what it saw last. For scripts and CI: start the server in the background, then wait.
 */
async function waitUntilReady(url: string, timeoutMs: number, token: string | undefined): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let last = 'no answer yet';
  let attempts = 0;
  for (;;) {
    const left = deadline - performance.now();
    try {
      const response = await fetch(`${url}/__admin/health`, {
        headers: token === undefined ? {} : { [ADMIN_TOKEN_HEADER]: token },
        signal: AbortSignal.timeout(Math.max(1, Math.round(Math.min(left, 2000)))),
      });
      const body = (await response.json().catch(() => null)) as { ready?: unknown } | null;
      if (response.ok && body?.ready === true) {
        process.stdout.write(`convosim is ready at ${url}\n`);
        return;
      }
      last = response.ok ? 'answered, not ready' : `answered ${response.status}`;
    } catch (error) {
      // An attempt cut short by the deadline says less than the refusal seen before it: keep that.
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      if (cause !== undefined || last === 'no answer yet') last = cause ?? 'no answer in time';
    }
    if (attempts++ === 0) process.stdout.write(`waiting for a simulator at ${url} (${last})\n`);
    if (performance.now() >= deadline) {
      throw new Error(
        `no simulator ready at ${url} after ${timeoutMs} ms (last: ${last}). Please check that 'convosim serve' is running there, or raise --timeout.`,
      );
    }
    await new Promise((resolve) =>
      setTimeout(resolve, Math.min(100, Math.max(1, deadline - performance.now()))),
    );
  }
}

// package.json is one folder up from both src/ and dist/.
function readVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return String((manifest as { version?: unknown }).version ?? 'unknown');
}

/** Builds the `convosim` command line program; `hooks` connect it to the process (see src/main.ts). */
export function createProgram(hooks: ProgramHooks = {}): Command {
  const program = new Command('convosim')
    .description('A faithful localhost simulator of contact-center chat providers.')
    .version(readVersion(), '-V, --version', 'print the version of convosim')
    .showSuggestionAfterError(true)
    .configureOutput({ outputError: (text, write) => write(`convosim: ${text.replace(/^error: /, '')}`) });

  program
    .command('serve')
    .description('Serve the simulated providers and the admin API.')
    .addOption(new Option('--port <n>', 'port (0: any free port)').default(4010).argParser(toPort))
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--db <path|memory>', "store file, or 'memory' for a throwaway run", '.convosim/db.json')
    .addOption(
      new Option('--seed <n>', 'seed of generated ids, names and texts').default(1).argParser(toSeed),
    )
    .addOption(
      new Option('--clock <kind>', 'real or virtual time').choices(['real', 'virtual']).default('real'),
    )
    .option(
      '--fixtures <dir>',
      'fixture folder that adds to or overrides the defaults (repeatable)',
      collect,
      [],
    )
    .option('--providers <list>', 'comma-separated providers to serve (default: all)')
    .option(
      '--option <provider.key=value>',
      'provider option, e.g. ece.callbackUrl=http://... (repeatable)',
      collect,
      [],
    )
    .addOption(
      new Option('--body-limit <bytes>', 'largest request body (default 1 MiB)').argParser(toPositive),
    )
    .option('--start-time <iso>', 'start of virtual time when the store has none')
    .addOption(
      new Option(
        '--log-level <level>',
        'live log: info (every request, webhook attempt, action, fault), warn (failures), debug (with bodies)',
      )
        .choices(LEVELS)
        .default('info'),
    )
    .addOption(
      new Option(
        '--log-format <format>',
        'live log format (default: pretty on a terminal, else json)',
      ).choices(['json', 'pretty']),
    )
    .option(
      '--scenario <file>',
      'scenario file to run on every matching conversation start (repeatable)',
      collect,
      [],
    )
    .addOption(
      new Option('--journal-limit <n>', 'requests and deliveries kept in memory (default 10000)').argParser(
        toPositive,
      ),
    )
    .option(
      '--retain <duration>',
      'expire ended conversations this long after they end (e.g. 1h); off by default',
    )
    .addOption(
      new Option(
        '--webhook-concurrency <n>',
        `webhook attempts in flight per destination (default ${DEFAULT_DISPATCH_LIMITS.concurrency})`,
      ).argParser(toPositive),
    )
    .addOption(
      new Option(
        '--webhook-queue-limit <n>',
        `webhooks held per destination before new ones are dropped (default ${DEFAULT_DISPATCH_LIMITS.maxQueued})`,
      ).argParser(toPositive),
    )
    .addOption(adminTokenOption())
    .option(
      '--allow-remote-admin',
      'serve the admin API on a non-loopback --host without a token (anyone who can reach it controls it)',
    )
    .option('--tls', 'serve HTTPS with a self-signed certificate generated at start')
    .option('--tls-cert <path>', 'serve HTTPS with this PEM certificate (with --tls-key)')
    .option('--tls-key <path>', 'the PEM private key of --tls-cert')
    .action((flags: ServeFlags) => serve(flags, hooks));

  addFollowOptions(
    program
      .command('run')
      .description('Run scenario files against a running simulator and the system under test.')
      .argument('<scenario...>', 'scenario files (YAML or JSON)')
      .option('--conversation <id>', 'start the scenarios now against this existing conversation')
      .addOption(new Option('--seed <n>', "seed of the runs' random delays").argParser(toSeed)),
  ).action(async (files: string[], flags: FollowFlags & { conversation?: string; seed?: number }) => {
    process.exitCode = await runScenarioFiles(files, {
      ...toFollowOptions(flags),
      conversationId: flags.conversation,
      seed: flags.seed,
    });
  });

  addFollowOptions(
    program
      .command('replay')
      .description(
        "Play a transcript's provider side back and check the system under test makes the same calls.",
      )
      .argument('<transcript>', 'a transcript JSON file (convosim transcript ...)')
      .option('--ignore <keys>', 'volatile JSON keys to ignore, comma-separated (names or /regex/)')
      .option('--within <duration>', 'how much later than recorded each call may come', '30s'),
  ).action(async (file: string, flags: FollowFlags & { ignore?: string; within: string }) => {
    process.exitCode = await replayTranscriptFile(file, {
      ...toFollowOptions(flags),
      ignore: flags.ignore?.split(',').map((k) => k.trim()),
      within: flags.within,
    });
  });

  program
    .command('wait')
    .description(
      'Wait until a simulator is ready (for scripts and CI); exit 1 with the reason after --timeout.',
    )
    .option('--url <url>', 'base URL of the simulator', process.env.CONVOSIM_URL ?? 'http://127.0.0.1:4010')
    .addOption(
      new Option('--timeout <duration>', 'how long to wait').default(30_000, '30s').argParser(toDuration),
    )
    .addOption(adminTokenOption())
    .action((flags: { url: string; timeout: number; adminToken?: string }) =>
      waitUntilReady(flags.url.replace(/\/+$/, ''), flags.timeout, flags.adminToken),
    );

  program
    .command('transcript')
    .description('Export a conversation as a transcript (JSON), or as a scenario file with --scenario.')
    .argument('<provider>')
    .argument('<conversationId>')
    .option(
      '--url <url>',
      'base URL of the running simulator',
      process.env.CONVOSIM_URL ?? 'http://127.0.0.1:4010',
    )
    .option('--scenario', 'print a scenario file (YAML) made from the transcript')
    .addOption(adminTokenOption())
    .action(
      async (
        provider: string,
        conversationId: string,
        flags: { url: string; scenario?: boolean; adminToken?: string },
      ) => {
        useAdminToken(flags.url.replace(/\/+$/, ''), flags.adminToken);
        process.stdout.write(
          await fetchTranscript(
            flags.url.replace(/\/+$/, ''),
            provider,
            conversationId,
            flags.scenario === true,
          ),
        );
      },
    );
  return program;
}
