// Child process of the pre-fill: `fill-store.ts <storeFile> <hooksUrl> <target> <budgetMs> [ids]`. Opens the store
// (continuing from what it holds), creates conversations until <target> or the budget, flushes, closes, and
// prints one JSON line (FillReport).
import { performance } from 'node:perf_hooks';
import { type EndpointId, FILL_ENDPOINTS } from './endpoints.ts';
import { createFiller } from './prefill.ts';

const [storeFile, hooksUrl, target, budgetMs, ids] = process.argv.slice(2);
if (!storeFile || !hooksUrl || !target || !budgetMs) {
  process.stderr.write('usage: fill-store.ts <storeFile> <hooksUrl> <target> <budgetMs>\n');
  process.exit(2);
}
const deadline = performance.now() + Number(budgetMs);
const filler = await createFiller(
  storeFile,
  hooksUrl,
  ids ? (ids.split(',') as EndpointId[]) : FILL_ENDPOINTS,
);
const progress = await filler.fillTo(Number(target), deadline);
await filler.flush();
await filler.close();
process.stdout.write(`${JSON.stringify({ ...progress, target: Number(target) })}\n`);
