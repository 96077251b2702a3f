import { z } from 'zod';
import type { AdminOperation, DeliveryMeta, EventMap, ProviderAction, ProviderContext } from './contract.ts';

/** An agent or queue id: a string, or a number read as its decimal string. */
const id = z.union([z.string().min(1), z.number().int()]).transform(String);
const none = z.object({}).strict();
const text = z.object({ text: z.string().min(1) }).strict();
const typing = z.object({ typing: z.boolean().default(true) }).strict();

/**
 * The provider-neutral verbs and their arguments: a verb takes the same arguments on every provider that
 * implements it. A provider may add arguments of its own (`defineNeutralAction`'s `extend`), never change
 * these. The neutral verbs are the ones at least two providers share; `raw.event` is implemented by the core
 * (from `webhookTargets`). Verbs only one provider knows (ECE's `agent.pagePush`, `agent.attachment.*`) are that
 * provider's own actions.
 */
export const neutralVerbs = {
  'agent.join': z.object({ agentId: id.optional() }).strict(),
  'agent.say': text,
  'agent.typing': typing,
  'agent.transfer': z.object({ agentId: id.optional(), queueId: id.optional() }).strict(),
  'agent.leave': none,
  'agent.complete': none,
  'customer.say': text,
  'customer.typing': typing,
  'customer.leave': none,
  /** Emit `body` as is to the conversation's webhook targets, as an event named `type`, with `headers` added. */
  'raw.event': z
    .object({
      type: z.string().min(1),
      body: z.unknown().refine((value) => value !== undefined, 'Required'),
      headers: z.record(z.string(), z.string()).optional(),
    })
    .catchall(z.unknown()),
} as const;

/** A neutral verb. */
export type NeutralVerb = keyof typeof neutralVerbs;

/** The neutral verbs, in their documented order. */
export const NEUTRAL_VERBS = Object.keys(neutralVerbs) as NeutralVerb[];

/** True when `name` is a neutral verb. */
export function isNeutralVerb(name: string): name is NeutralVerb {
  return Object.hasOwn(neutralVerbs, name);
}

// biome-ignore lint/suspicious/noExplicitAny: a context of any provider.
type AnyContext = ProviderContext<any, any, any, any>;

/** The state, option, event and meta types of a context, as an action's type parameters. */
type ActionOf<C> =
  C extends ProviderContext<
    infer State,
    infer Options,
    infer Events extends EventMap,
    infer Meta extends DeliveryMeta
  >
    ? ProviderAction<State, Options, Events, Meta>
    : never;
type AdminOf<C> =
  C extends ProviderContext<
    infer State,
    infer Options,
    infer Events extends EventMap,
    infer Meta extends DeliveryMeta
  >
    ? AdminOperation<State, Options, Events, Meta>
    : never;

/**
 * An action whose `run` receives its arguments as `args` parses them (typed, no casts). Name the context type
 * on `run`'s first parameter: `defineAction('…', schema, (ctx: MyContext, id, args) => …)`.
 */
export function defineAction<C extends AnyContext, S extends z.ZodType>(
  description: string,
  args: S,
  run: (ctx: C, conversationId: string, args: z.output<S>) => unknown,
): ActionOf<C> {
  return { description, args, run: run as ProviderAction['run'] } as unknown as ActionOf<C>;
}

/** What a provider may add to a neutral verb: arguments of its own, and a normalization of the raw input. */
export type NeutralExtension<Shape extends z.ZodRawShape> = {
  /** More arguments (names the neutral verb does not use). */
  extend?: Shape;
  /** Rewrites the raw arguments before validation (aliases, a scenario step's string). */
  preprocess?: (raw: unknown) => unknown;
};

type NeutralArgs<V extends NeutralVerb, Shape extends z.ZodRawShape> = z.output<(typeof neutralVerbs)[V]> &
  z.output<z.ZodObject<Shape>>;

/**
 * The implementation of a neutral verb, with the neutral arguments (plus the provider's `extend`ed ones).
 * Throws when `extend` names an argument of the verb: a provider may extend a verb, not redefine it.
 */
export function defineNeutralAction<
  C extends AnyContext,
  V extends Exclude<NeutralVerb, 'raw.event'>,
  Shape extends z.ZodRawShape = Record<never, never>,
>(
  verb: V,
  description: string,
  run: (ctx: C, conversationId: string, args: NeutralArgs<V, Shape>) => unknown,
  extension: NeutralExtension<Shape> = {},
): ActionOf<C> {
  if ((verb as string) === 'raw.event')
    throw new Error('raw.event is implemented by the core (webhookTargets)');
  const base = neutralVerbs[verb] as z.ZodObject;
  for (const name of Object.keys(extension.extend ?? {})) {
    if (Object.hasOwn(base.shape, name)) {
      throw new Error(
        `${verb}: the argument '${name}' is neutral; a provider may add arguments, not redefine them`,
      );
    }
  }
  const object = extension.extend ? base.extend(extension.extend) : base;
  const args = extension.preprocess ? z.preprocess(extension.preprocess, object) : object;
  return { description, args, neutral: verb, run: run as ProviderAction['run'] } as unknown as ActionOf<C>;
}

/**
 * A provider admin operation whose `run` receives its parsed arguments. Name the context type on `run`'s first
 * parameter, as with `defineAction`.
 */
export function defineAdminOperation<C extends AnyContext, S extends z.ZodType>(
  operation: Omit<AdminOf<C>, 'args' | 'run'> & { args: S; run: (ctx: C, args: z.output<S>) => unknown },
): AdminOf<C> {
  return operation as unknown as AdminOf<C>;
}
