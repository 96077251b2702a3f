// Pure validation of the Gateway post-agent assignment (OAS GW PostAgentAssignmentRequest: `type` and `id`
// required, `type` "webhook"; configuration `notifyChannelWebhookIfExists` a string, `maxTotalMinutes` 20..600,
// `userTimeoutInMinutes` 10..300).
import { getOwn, isRecord } from '../../own.ts';
import { type EightByEightState, findWebhook, type PostAgentAssignment } from './model.ts';
import { type Parsed, parseObject, Reader, show } from './rules.ts';

/** An optional integer configuration field within [min, max]; null when absent. */
function readMinutes(
  r: Reader,
  configuration: Record<string, unknown>,
  field: string,
  min: number,
  max: number,
) {
  const value = getOwn(configuration, field);
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    r.fail(`configuration.${field}`, value, `Must be an integer between ${min} and ${max}.`);
    return null;
  }
  return value;
}

/** A post-agent assignment body: the web-hook (of the Gateway) the conversation goes to after the agent. */
export function parsePostAgentAssignment(
  body: unknown,
  state: EightByEightState,
): Parsed<PostAgentAssignment> {
  const object = parseObject(body);
  if (!object.ok) return object;
  const r = new Reader(object.value);
  r.oneOf('type', ['webhook'] as const, { required: true });
  const webhookId = r.string('id', { required: true });
  if (webhookId !== undefined && !findWebhook(state, 'gateway', webhookId)) {
    r.fail('id', webhookId, `WebHook ID ${show(webhookId)} is invalid.`);
  }
  const configuration = getOwn(object.value, 'configuration') ?? {};
  let notifyChannel = false;
  let maxTotalMinutes: number | null = null;
  let userTimeoutInMinutes: number | null = null;
  if (!isRecord(configuration)) {
    r.fail('configuration', configuration, 'Must be an object.');
  } else {
    const notify = r.string('notifyChannelWebhookIfExists', {
      from: configuration,
      path: 'configuration.notifyChannelWebhookIfExists',
    });
    notifyChannel = notify === 'true';
    maxTotalMinutes = readMinutes(r, configuration, 'maxTotalMinutes', 20, 600);
    userTimeoutInMinutes = readMinutes(r, configuration, 'userTimeoutInMinutes', 10, 300);
  }
  return r.done({ webhookId: webhookId ?? '', notifyChannel, maxTotalMinutes, userTimeoutInMinutes });
}
