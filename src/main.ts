#!/usr/bin/env node
// The CLI entry: the only file that reads argv, handles signals and exits. The program itself is src/cli.ts.
import { createProgram } from './cli.ts';

createProgram({
  serving(stop) {
    const exitAfter = (signal: string) => void stop(signal).then((code) => process.exit(code));
    process.on('SIGINT', () => exitAfter('SIGINT'));
    process.on('SIGTERM', () => exitAfter('SIGTERM'));
  },
})
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`convosim: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
