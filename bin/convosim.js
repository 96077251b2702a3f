#!/usr/bin/env node
// The `convosim` command. It runs the compiled CLI in dist/, in this process (no child process: a signal sent to
// this process reaches the server itself).
//
// - An installed package (no tsconfig.json beside it: npm pack ships dist/, not the build setup) always runs
//   dist/: it needs no TypeScript compiler at run time.
// - A clone runs dist/ (built by `npm install`'s prepare step, or `npm run build`) while it is at least as new as
//   every file in src/, and the TypeScript sources through tsx (a dev dependency) once a source file was edited
//   after the last build. CONVOSIM_FROM_SOURCE=1 forces the sources.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = `${root}dist/main.js`;
const isClone = existsSync(`${root}tsconfig.json`) && existsSync(`${root}src`);

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = `${dir}/${entry.name}`;
    newest = Math.max(newest, entry.isDirectory() ? newestSource(file) : statSync(file).mtimeMs);
  }
  return newest;
}

function fail(message) {
  process.stderr.write(`convosim: ${message}\n`);
  process.exit(1);
}

const fromSource =
  isClone &&
  (process.env.CONVOSIM_FROM_SOURCE === '1' ||
    !existsSync(built) ||
    statSync(built).mtimeMs < newestSource(`${root}src`));

if (!fromSource) {
  if (!existsSync(built)) fail(`this package has no build (${built} is missing). Please reinstall convosim.`);
  await import(built);
} else {
  let register;
  try {
    ({ register } = await import('tsx/esm/api'));
  } catch {
    fail(
      'the build in dist/ is missing or older than src/, and tsx (a dev dependency) is not installed to run the sources. Please run `npm install` or `npm run build`.',
    );
  }
  register();
  await import('../src/main.ts');
}
