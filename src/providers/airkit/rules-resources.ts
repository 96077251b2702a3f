import { hasOwn, isSafeKey } from '../../own.ts';
import { fail, ok, type Result } from '../../provider/index.ts';
import type { AirkitState, Resource, ResourceChange } from './model.ts';
import { type AirkitFailure, toQuoted } from './render-errors.ts';

function hubNotFound(hubId: string): AirkitFailure {
  return { status: 404, code: 'HUB_NOT_FOUND', message: `No Conversation Hub ${toQuoted(hubId)}` };
}

/**
 * A new Conversation Hub channel resource (admin): an id that can key a record (400 INVALID_ARGUMENT) and is not
 * taken (409 ALREADY_EXISTS), and a hub that exists when one is named (404 HUB_NOT_FOUND).
 */
export function parseNewResource(s: AirkitState, resource: Resource): Result<Resource, AirkitFailure> {
  if (!isSafeKey(resource.id)) {
    return fail({
      status: 400,
      code: 'INVALID_ARGUMENT',
      message: 'Invalid resource',
      details: [{ field: 'id', issue: `${toQuoted(resource.id)} cannot be a resource id` }],
    });
  }
  if (resource.hubId !== null && !hasOwn(s.hubs, resource.hubId)) return fail(hubNotFound(resource.hubId));
  if (hasOwn(s.resources, resource.id)) {
    return fail({ status: 409, code: 'ALREADY_EXISTS', message: `Resource ${toQuoted(resource.id)} exists` });
  }
  return ok(resource);
}

/** A change of a resource (admin): the resource exists (404 RESOURCE_NOT_FOUND), and so does a hub it names. */
export function parseResourceChange(
  s: AirkitState,
  id: string,
  change: ResourceChange,
): Result<ResourceChange, AirkitFailure> {
  if (!hasOwn(s.resources, id)) {
    return fail({ status: 404, code: 'RESOURCE_NOT_FOUND', message: `No resource ${toQuoted(id)}` });
  }
  if (typeof change.hubId === 'string' && !hasOwn(s.hubs, change.hubId))
    return fail(hubNotFound(change.hubId));
  return ok(change);
}
