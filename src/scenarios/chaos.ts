import type { Control } from '../control.ts';
import type { DeliveryFaultSpec } from '../delivery-faults.ts';
import type { ExpectationResult } from './expectations.ts';
import type { Step } from './schema.ts';

/**
 * Adds the delivery fault of a chaos step (its templates rendered). It applies to the scenario's provider and the
 * run's conversation unless the step says otherwise, and to the next matching event only unless it gives `times`
 * or `ratio`.
 */
export function applyChaosStep(
  control: Control,
  step: Step & { kind: 'chaos' },
  provider: string,
  conversationId: string | null,
): ExpectationResult {
  const spec = {
    provider,
    ...(conversationId ? { conversationId } : {}),
    ...(step.spec.times === undefined && step.spec.ratio === undefined ? { times: 1 } : {}),
    ...step.spec,
    kind: step.fault,
  } as DeliveryFaultSpec;
  try {
    const fault = control.addDeliveryFault(spec);
    return { ok: true, actual: `${fault.id}: ${fault.kind}` };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}
