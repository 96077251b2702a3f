// The RS256 signing rate of this machine, with the 8x8 fixture key, on libuv's thread pool (crypto.sign with a
// callback, as src/providers/8x8/events.ts signs): the bound of the 8x8 endpoints, two signatures per create.
import { createPrivateKey, type JsonWebKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { createSignature, type SignatureFields } from '../src/providers/8x8/events-signing.ts';

/** Signatures per second, two ways. */
export type SigningRate = {
  /** crypto.sign on the thread pool with a parsed key: what the machine can do. */
  perSecond: number;
  /** The provider's own createSignature (key imported once, header and payload built per call): what a webhook costs. */
  providerPerSecond: number;
  inFlight: number;
  threadPool: number;
  /** crypto.sign on the thread pool with one signature in flight: what one core signs. */
  oneThreadPerSecond: number;
  /** Cores of this machine (os.availableParallelism). */
  cores: number;
};

const signOffThread = promisify(sign);

async function measure(seconds: number, inFlight: number, once: () => Promise<unknown>): Promise<number> {
  let done = 0;
  const began = performance.now();
  const until = began + seconds * 1000;
  const worker = async () => {
    while (performance.now() < until) {
      await once();
      done++;
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return done / ((performance.now() - began) / 1000);
}

/** Measures both rates for `seconds` each, keeping the thread pool busy. */
export async function measureSigning(seconds: number): Promise<SigningRate> {
  const file = JSON.parse(readFileSync(path.resolve('fixtures/8x8/signing-key.json'), 'utf8')) as {
    signingKey: { kid: string; privateJwk: Record<string, string> };
  };
  const key = file.signingKey;
  const privateKey = createPrivateKey({ key: key.privateJwk as JsonWebKey, format: 'jwk' });
  const body = JSON.stringify({
    eventType: 'QUEUED',
    conversationId: 'int-19a2b3c4d5e-abcdefghijklmnopqrstuvwxy-chat-00-acme',
    timestamp: 1735689600000,
    data: { queueId: '100', queueName: 'Support' },
  });
  const fields: SignatureFields = { cid: 'acme', eid: 'evt-1', retry: 0, tid: 'acme', tt: 1735689600000 };
  const input = Buffer.from(`eyJiNjQiOmZhbHNlfQ.{"checksum":1,"cid":"acme","eid":"evt-1"}`);
  const threadPool = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
  const inFlight = Math.max(threadPool, availableParallelism()) * 2;
  await measure(0.3, inFlight, () => signOffThread('sha256', input, privateKey)); // warm-up
  const perSecond = await measure(seconds, inFlight, () => signOffThread('sha256', input, privateKey));
  const providerPerSecond = await measure(seconds, inFlight, () => createSignature(body, fields, key));
  const oneThreadPerSecond = await measure(seconds, 1, () => signOffThread('sha256', input, privateKey));
  return {
    perSecond,
    providerPerSecond,
    inFlight,
    threadPool,
    oneThreadPerSecond,
    cores: availableParallelism(),
  };
}
