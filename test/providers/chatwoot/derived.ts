// Runs of the operations that change the chatwoot index, through the app, and the comparison of a live index with
// the one `createIndexFrom` rebuilds from the records (derived-index and derived-restart tests).
import fc from 'fast-check';
import { slicePagedIds } from '../../../src/provider/index.ts';
import type { ChatwootIndex, ChatwootState } from '../../../src/providers/chatwoot/model.ts';
import { createIndexFrom } from '../../../src/providers/chatwoot/model-indexes.ts';
import type { Simulator } from '../../../src/simulator.ts';
import { call, type Json } from './helpers.ts';

/** One operation of a run; numbers pick among what exists when it runs. */
export type Step =
  | { op: 'contact'; email: boolean }
  | { op: 'conversation'; contact: number; assignee: number | null; team: boolean; pending: boolean }
  | { op: 'message'; conv: number; type: 'incoming' | 'outgoing'; private: boolean }
  | { op: 'status'; conv: number; status: 'open' | 'resolved' | 'pending' | 'snoozed' }
  | { op: 'assign'; conv: number; agent: number | null }
  | { op: 'team'; conv: number; team: number | null }
  | { op: 'priority'; conv: number; priority: 'low' | 'urgent' | null }
  | { op: 'deleteConversation'; conv: number }
  | { op: 'deleteMessage'; conv: number }
  | { op: 'deleteContact'; contact: number }
  | { op: 'updateContact'; contact: number; n: number }
  | { op: 'webhook' }
  | { op: 'deleteWebhook'; n: number }
  | { op: 'canned'; n: number }
  | { op: 'deleteCanned'; n: number }
  | { op: 'advance'; seconds: number };

const pick = fc.nat({ max: 40 });
/** Random steps; `advance` is rare, so that many changes share a millisecond (ties of `last_activity_at`). */
export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('contact' as const), email: fc.boolean() }), weight: 2 },
  {
    arbitrary: fc.record({
      op: fc.constant('conversation' as const),
      contact: pick,
      assignee: fc.option(fc.constantFrom(1, 2)),
      team: fc.boolean(),
      pending: fc.boolean(),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      op: fc.constant('message' as const),
      conv: pick,
      type: fc.constantFrom('incoming' as const, 'outgoing' as const),
      private: fc.boolean(),
    }),
    weight: 4,
  },
  {
    arbitrary: fc.record({
      op: fc.constant('status' as const),
      conv: pick,
      status: fc.constantFrom('open' as const, 'resolved' as const, 'pending' as const, 'snoozed' as const),
    }),
    weight: 3,
  },
  fc.record({ op: fc.constant('assign' as const), conv: pick, agent: fc.option(fc.constantFrom(1, 2)) }),
  fc.record({ op: fc.constant('team' as const), conv: pick, team: fc.option(fc.constant(1)) }),
  fc.record({
    op: fc.constant('priority' as const),
    conv: pick,
    priority: fc.constantFrom('low' as const, 'urgent' as const, null),
  }),
  fc.record({ op: fc.constant('deleteConversation' as const), conv: pick }),
  fc.record({ op: fc.constant('deleteMessage' as const), conv: pick }),
  fc.record({ op: fc.constant('deleteContact' as const), contact: pick }),
  fc.record({ op: fc.constant('updateContact' as const), contact: pick, n: pick }),
  fc.record({ op: fc.constant('webhook' as const) }),
  fc.record({ op: fc.constant('deleteWebhook' as const), n: pick }),
  fc.record({ op: fc.constant('canned' as const), n: pick }),
  fc.record({ op: fc.constant('deleteCanned' as const), n: pick }),
  fc.record({ op: fc.constant('advance' as const), seconds: fc.constantFrom(1, 400) }),
);

const at = <T>(list: readonly T[], n: number): T | undefined =>
  list.length === 0 ? undefined : list[n % list.length];

/** What a run has made, to pick from (display ids, contact ids, webhook and canned ids). */
export type Made = {
  contacts: number[];
  sources: Map<number, string>;
  convs: number[];
  hooks: number[];
  canned: number[];
};

/** Runs one step through the app; refusals are part of the run, a 5xx fails it. */
export async function runStep(sim: Simulator, made: Made, step: Step, i: number): Promise<void> {
  const conv = 'conv' in step ? at(made.convs, step.conv) : undefined;
  const base = conv === undefined ? '' : `/1/conversations/${conv}`;
  let res: { status: number; json: Json } | undefined;
  switch (step.op) {
    case 'contact': {
      const source = `src-${i}`;
      res = await call(sim, 'POST', '/1/contacts', {
        name: `Person ${i}`,
        ...(step.email ? { email: `p${i}@derived.test` } : {}),
        inbox_id: 1,
        source_id: source,
      });
      const id = res.json?.payload?.contact?.id ?? res.json?.payload?.id;
      if (res.status === 200 && typeof id === 'number') {
        made.contacts.push(id);
        made.sources.set(id, source);
      }
      break;
    }
    case 'conversation': {
      const contact = at(made.contacts, step.contact);
      const source = contact === undefined ? 'contact-source-1' : made.sources.get(contact)!;
      res = await call(sim, 'POST', '/1/conversations', {
        source_id: source,
        ...(step.assignee === null ? {} : { assignee_id: step.assignee }),
        ...(step.team ? { team_id: 1 } : {}),
        ...(step.pending ? { status: 'pending' } : {}),
      });
      if (res.status === 200) made.convs.push(res.json.id);
      break;
    }
    case 'message':
      if (conv === undefined) return;
      res = await call(sim, 'POST', `${base}/messages`, {
        content: `m${i}`,
        message_type: step.type,
        private: step.private,
      });
      break;
    case 'status':
      if (conv === undefined) return;
      res = await call(sim, 'POST', `${base}/toggle_status`, {
        status: step.status,
        ...(step.status === 'snoozed' ? { snoozed_until: Math.floor(sim.control.now() / 1000) + 600 } : {}),
      });
      break;
    case 'assign':
      if (conv === undefined) return;
      res = await call(sim, 'POST', `${base}/assignments`, { assignee_id: step.agent });
      break;
    case 'team':
      if (conv === undefined) return;
      res = await call(sim, 'POST', `${base}/assignments`, { team_id: step.team });
      break;
    case 'priority':
      if (conv === undefined) return;
      res = await call(sim, 'POST', `${base}/toggle_priority`, { priority: step.priority });
      break;
    case 'deleteConversation':
      if (conv === undefined) return;
      res = await call(sim, 'DELETE', base);
      break;
    case 'deleteMessage': {
      if (conv === undefined) return;
      const list = await call(sim, 'GET', `${base}/messages`);
      const last = list.json?.payload?.at(-1)?.id;
      if (typeof last === 'number') res = await call(sim, 'DELETE', `${base}/messages/${last}`);
      break;
    }
    case 'deleteContact': {
      const contact = at(made.contacts, step.contact);
      if (contact === undefined) return;
      res = await call(sim, 'DELETE', `/1/contacts/${contact}`);
      break;
    }
    case 'updateContact': {
      const contact = at(made.contacts, step.contact);
      if (contact === undefined) return;
      res = await call(sim, 'PATCH', `/1/contacts/${contact}`, {
        email: `u${step.n}@derived.test`,
        identifier: step.n % 2 === 0 ? `id-${step.n}` : null,
      });
      break;
    }
    case 'webhook':
      res = await call(sim, 'POST', '/1/webhooks', { url: `http://hooks.test/${i}` });
      if (res.status === 200) made.hooks.push(res.json.payload.webhook.id);
      break;
    case 'deleteWebhook': {
      const hook = at(made.hooks, step.n);
      if (hook === undefined) return;
      res = await call(sim, 'DELETE', `/1/webhooks/${hook}`);
      break;
    }
    case 'canned':
      res = await call(sim, 'POST', '/1/canned_responses', { short_code: `c${i}`, content: 'Hello' });
      if (res.status === 200) made.canned.push(res.json.id);
      break;
    case 'deleteCanned': {
      const canned = at(made.canned, step.n);
      if (canned === undefined) return;
      res = await call(sim, 'DELETE', `/1/canned_responses/${canned}`);
      break;
    }
    case 'advance':
      await sim.control.advance(`${step.seconds}s`);
      return;
  }
  if (res && res.status >= 500) throw new Error(`${JSON.stringify(step)} answered ${res.status}`);
}

/** A fresh record of what a run made. */
export const createMade = (): Made => ({
  contacts: [],
  sources: new Map(),
  convs: [],
  hooks: [],
  canned: [],
});

/**
 * An index as readers observe it. Two parts keep a layout their readers cannot see, so they are compared by what
 * the readers get: the contact ids of an account are paged ids, whose buckets and empty slots depend on the
 * history of appends and deletes, but every reader (`slicePagedIds`, `newestPagedIds`) answers the ids in order;
 * and a contact's conversation ids keep the ids of deleted conversations, which every reader skips (ids are never
 * reused). Everything else (buckets with head, tail and count, each conversation's prev/next links, message ids,
 * counts, snoozed times, lookups) is compared as it is.
 */
export function toObservedIndex(index: ChatwootIndex, s: Pick<ChatwootState, 'conversations'>): unknown {
  const contactsOfAccount = Object.fromEntries(
    Object.entries(index.contactsOfAccount).map(([account, list]) => [
      account,
      slicePagedIds(list, 0, list.size),
    ]),
  );
  const conversationsOfContact = Object.fromEntries(
    Object.entries(index.conversationsOfContact ?? {})
      .map(
        ([contact, ids]) =>
          [contact, ids.filter((id) => Object.hasOwn(s.conversations, String(id)))] as const,
      )
      .filter(([, ids]) => ids.length > 0),
  );
  return { ...index, contactsOfAccount, conversationsOfContact };
}

/** The live index of a simulator and the one rebuilt from a copy of its records, both as observed. */
export function toLiveAndRebuilt(sim: Simulator): { live: unknown; rebuilt: unknown } {
  const state = JSON.parse(JSON.stringify(sim.control.state('chatwoot'))) as ChatwootState;
  const { index, ...records } = state;
  return {
    live: toObservedIndex(index, state),
    rebuilt: toObservedIndex(createIndexFrom(JSON.parse(JSON.stringify(records))), state),
  };
}
