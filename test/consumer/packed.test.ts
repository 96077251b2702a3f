// The newcomer's path, as a separate project would take it: `npm pack` this repository, install the tarball
// into a temporary project, and run the README's quick start verbatim (its files are the README's code blocks,
// read here, so README and package cannot drift apart). Dependencies of the package are linked from this
// repository's node_modules (fast and offline); the package itself is the packed tarball. tsx is left out on
// purpose: the installed package must run without it.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { parse } from 'yaml';

const repo = process.cwd();
let project = '';
const started: ChildProcess[] = [];

/** A document's code blocks marked `<!-- file: NAME -->` or `<!-- sample: NAME -->`, by name. */
function samplesOf(document: string): Map<string, string> {
  const readme = readFileSync(path.join(repo, document), 'utf8');
  const samples = new Map<string, string>();
  for (const match of readme.matchAll(/<!-- (?:file|sample): (\S+) -->\n```\w*\n([\s\S]*?)```/g)) {
    samples.set(match[1]!, match[2]!);
  }
  return samples;
}

/** Writes the README's samples into the project with free ports instead of 4010 and 3000; returns the swap. */
async function writeReadmeSamples() {
  const samples = samplesOf('README.md');
  expect([...samples.keys()]).toEqual(['sut.mjs', 'greeting.yaml', 'test/chat.test.ts', 'shell']);
  // The only change: the fixed ports of the samples become free ones, so that parallel tests cannot collide.
  const [simulatorPort, sutPort] = [await freePort(), await freePort()];
  const withPorts = (text: string) =>
    text.replaceAll('4010', String(simulatorPort)).replaceAll('3000', String(sutPort));
  for (const [name, text] of samples) {
    const file = path.join(project, name === 'shell' ? 'run.sh' : name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, withPorts(text));
  }
  return withPorts;
}

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Runs a command in the project; resolves with its exit code and output. */
function runIn(command: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn(command, args, {
    cwd: project,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so that background jobs of a script can be stopped with it
  });
  started.push(child);
  let output = '';
  child.stdout!.on('data', (d) => {
    output += d;
  });
  child.stderr!.on('data', (d) => {
    output += d;
  });
  return new Promise<{ code: number | null; output: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, output })),
  );
}

beforeAll(() => {
  project = mkdtempSync(path.join(tmpdir(), 'convosim-consumer-'));
  // Packed from a copy, so that its build (the prepare step) never rewrites this repository's dist/ while other
  // tests run the CLI from it.
  const staging = path.join(project, 'staging');
  for (const entry of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md', 'LICENSE']) {
    cpSync(path.join(repo, entry), path.join(staging, entry));
  }
  for (const dir of ['src', 'bin', 'fixtures', 'docs']) {
    cpSync(path.join(repo, dir), path.join(staging, dir), { recursive: true });
  }
  symlinkSync(realpathSync(path.join(repo, 'node_modules')), path.join(staging, 'node_modules'));
  const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', project], {
    cwd: staging,
    encoding: 'utf8',
  });
  const tarball = path.join(project, packed.trim().split('\n').at(-1)!);
  const modules = path.join(project, 'node_modules');
  mkdirSync(path.join(modules, '.bin'), { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', modules]);
  renameSync(path.join(modules, 'package'), path.join(modules, 'convosim'));
  const manifest = JSON.parse(readFileSync(path.join(modules, 'convosim', 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  const link = (name: string) => {
    const target = path.join(modules, name);
    mkdirSync(path.dirname(target), { recursive: true });
    symlinkSync(realpathSync(path.join(repo, 'node_modules', name)), target);
  };
  for (const name of Object.keys(manifest.dependencies)) if (name !== 'tsx') link(name);
  link('vitest');
  // What npm does for a package's bin.
  symlinkSync('../convosim/bin/convosim.js', path.join(modules, '.bin', 'convosim'));
  symlinkSync('../vitest/vitest.mjs', path.join(modules, '.bin', 'vitest'));
  writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2),
  );
}, 240_000);

afterAll(() => {
  for (const child of started) {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(project, { recursive: true, force: true });
});

test('the packed package ships its build, docs and licence, and runs without tsx', async () => {
  const pkg = path.join(project, 'node_modules', 'convosim');
  for (const file of ['dist/main.js', 'dist/index.js', 'dist/index.d.ts', 'docs/scenarios.md', 'LICENSE'])
    expect(existsSync(path.join(pkg, file)), file).toBe(true);
  expect(existsSync(path.join(project, 'node_modules', 'tsx'))).toBe(false);
  const { version } = JSON.parse(readFileSync(path.join(repo, 'package.json'), 'utf8')) as {
    version: string;
  };
  const result = await runIn('npx', ['--offline', 'convosim', '--version']);
  expect(result).toEqual({ code: 0, output: `${version}\n` });
}, 60_000);

test("the README's quick start passes verbatim in a project that installed the packed package", async () => {
  await writeReadmeSamples();
  const tests = await runIn(path.join('node_modules', '.bin', 'vitest'), ['run', '--reporter', 'dot']);
  expect(tests.output).toMatch(/Tests\s+2 passed/);
  expect(tests.code).toBe(0);

  const cli = await runIn('bash', ['run.sh']);
  expect(cli.output).toContain('1 passed, 0 failed');
  expect(cli.code).toBe(0);
  const junit = readFileSync(path.join(project, 'out', 'scenarios.xml'), 'utf8');
  expect(junit).toContain('failures="0" errors="0"');
}, 180_000);

test("the GitHub Actions recipe's run steps pass in a project that installed the packed package", async () => {
  const withPorts = await writeReadmeSamples();
  rmSync(path.join(project, 'out'), { recursive: true, force: true });
  const workflow = samplesOf('docs/guides/ci.md').get('.github/workflows/convosim.yml');
  const steps = (parse(workflow!) as { jobs: { scenarios: { steps: { run?: string }[] } } }).jobs.scenarios
    .steps;
  const runs = steps.flatMap((step) => (step.run && step.run !== 'npm ci' ? [withPorts(step.run)] : []));
  expect(runs).toHaveLength(5);
  for (const script of runs) {
    const result = await runIn('bash', ['-e', '-c', script]);
    expect(result.code, `${script}\n${result.output}`).toBe(0);
  }
  expect(readFileSync(path.join(project, 'out', 'scenarios.xml'), 'utf8')).toContain(
    'failures="0" errors="0"',
  );
}, 180_000);
