// Each delivery fault kind against a real receiver, for every provider that signs or orders its webhooks.
import { expect, test } from 'vitest';
import { PROVIDER_CASES } from './support/provider-receivers.ts';

const signers = PROVIDER_CASES.filter((p) => p.signs);

test.each(PROVIDER_CASES)(
  '$name: a webhook without a fault arrives once, signed when the provider signs',
  async (p) => {
    const rig = await p.setup();
    await rig.emit('m1');
    await rig.sim.control.idle();
    expect(rig.markers()).toEqual(['m1']);
    expect(rig.verify(rig.receiver.requests[0]!)).toBe(p.signs ? true : null);
  },
);

test.each(PROVIDER_CASES)(
  '$name: duplicate delivers the same event twice, byte for byte and signature for signature',
  async (p) => {
    const rig = await p.setup();
    rig.sim.control.addDeliveryFault({ kind: 'duplicate', provider: p.name, type: p.type, times: 1 });
    await rig.emit('m1');
    await rig.emit('m2');
    await rig.sim.control.idle();
    expect(rig.markers()).toEqual(['m1', 'm1', 'm2']);
    const [first, copy] = rig.receiver.requests;
    expect(copy!.body).toBe(first!.body);
    if (rig.signatureHeader)
      expect(copy!.headers[rig.signatureHeader]).toBe(first!.headers[rig.signatureHeader]);
    expect(rig.verify(copy!)).toBe(p.signs ? true : null);
  },
);

test.each(PROVIDER_CASES)('$name: reorder sends the next event of the conversation first', async (p) => {
  const rig = await p.setup();
  rig.sim.control.addDeliveryFault({ kind: 'reorder', conversationId: rig.conversationId, times: 1 });
  await rig.emit('m1');
  await rig.emit('m2');
  await rig.emit('m3');
  await rig.sim.control.idle();
  expect(rig.markers()).toEqual(['m2', 'm1', 'm3']);
});

test.each(PROVIDER_CASES)('$name: delay holds the event on the simulator clock', async (p) => {
  const rig = await p.setup();
  rig.sim.control.addDeliveryFault({ kind: 'delay', type: p.type, by: '20s', times: 1 });
  await rig.emit('m1');
  await rig.sim.control.advance('19s');
  expect(rig.markers()).toEqual([]);
  await rig.sim.control.advance('1s');
  expect(rig.markers()).toEqual(['m1']);
  expect(rig.verify(rig.receiver.requests[0]!)).toBe(p.signs ? true : null);
});

test.each(PROVIDER_CASES)('$name: drop never sends the event and records it dropped', async (p) => {
  const rig = await p.setup();
  rig.sim.control.addDeliveryFault({ kind: 'drop', type: p.type, times: 1 });
  await rig.emit('m1');
  await rig.emit('m2');
  await rig.sim.control.idle();
  expect(rig.markers()).toEqual(['m2']);
  expect(rig.sim.control.deliveries({ state: 'dropped' })).toHaveLength(1);
});

test.each(PROVIDER_CASES)(
  '$name: burst holds everything while the destination is down, then sends it at once in order',
  async (p) => {
    const rig = await p.setup();
    rig.sim.control.addDeliveryFault({ kind: 'burst', type: p.type, during: '1m', times: 1 });
    for (const marker of ['m1', 'm2', 'm3']) await rig.emit(marker);
    await rig.sim.control.advance('59s');
    expect(rig.markers()).toEqual([]);
    await rig.sim.control.advance('1s');
    expect(rig.markers()).toEqual(['m1', 'm2', 'm3']);
  },
);

test.each(PROVIDER_CASES)(
  '$name: unknownEvent sends an event of an unknown type in the provider envelope first',
  async (p) => {
    const rig = await p.setup();
    rig.sim.control.addDeliveryFault({ kind: 'unknownEvent', type: p.type, name: 'FUTURE_EVENT', times: 1 });
    await rig.emit('m1');
    await rig.sim.control.idle();
    expect(rig.markers()).toEqual(['m1', 'm1']);
    const [unknown, original] = rig.receiver.requests;
    expect(unknown!.body).toBe(original!.body.replace(JSON.stringify(p.type), '"FUTURE_EVENT"'));
    expect(rig.verify(unknown!)).toBe(p.signs ? true : null);
  },
);

test.each(signers)(
  '$name: corruptSignature sends the body with a signature that does not verify',
  async (p) => {
    const rig = await p.setup();
    rig.sim.control.addDeliveryFault({ kind: 'corruptSignature', type: p.type, times: 1 });
    await rig.emit('m1');
    await rig.emit('m2');
    await rig.sim.control.idle();
    const [bad, good] = rig.receiver.requests;
    expect(bad!.headers[rig.signatureHeader!]).toBeTruthy();
    expect(rig.verify(bad!)).toBe(false);
    expect(rig.verify(good!)).toBe(true);
  },
);

test.each(signers)('$name: staleTimestamp signs validly with a transmission time an hour old', async (p) => {
  const rig = await p.setup();
  rig.sim.control.addDeliveryFault({ kind: 'staleTimestamp', type: p.type, skew: '1h', times: 1 });
  await rig.emit('m1');
  await rig.sim.control.idle();
  const [stale] = rig.receiver.requests;
  expect(rig.verify(stale!)).toBe(true);
  const age = rig.sim.control.now() - rig.signedTime(stale!)!;
  expect(age).toBeGreaterThanOrEqual(3_600_000);
  expect(age).toBeLessThan(3_601_000);
});

test.each(signers)('$name: unsignedDelivery sends the event without its signature', async (p) => {
  const rig = await p.setup();
  rig.sim.control.addDeliveryFault({ kind: 'unsignedDelivery', type: p.type, times: 1 });
  await rig.emit('m1');
  await rig.sim.control.idle();
  expect(rig.receiver.requests[0]!.headers[rig.signatureHeader!]).toBeUndefined();
  expect(rig.verify(rig.receiver.requests[0]!)).toBe(false);
});
