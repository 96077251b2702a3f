/** What a refusal answers: a ready Response, or a status with the provider's own body. */
export type RefusalAnswer =
  | Response
  | {
      status: number;
      /** A string is sent as is (give its content-type in `headers`); anything else as JSON. */
      body: unknown;
      headers?: Record<string, string>;
    };

/**
 * A request refused in the provider's own terms (its status and envelope). Throw it from a route (or from
 * `readJson`): the pipeline answers with it as is, and it is not an internal error. Hono's HTTPException, for
 * providers.
 */
export class Refusal extends Error {
  override name = 'Refusal';
  readonly status: number;
  readonly #answer: RefusalAnswer;

  constructor(answer: RefusalAnswer) {
    super(`Refused with status ${answer.status}`);
    this.status = answer.status;
    this.#answer = answer;
  }

  /** The answer to send. */
  toResponse(): Response {
    const answer = this.#answer;
    if (answer instanceof Response) return answer;
    const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    const headers = new Headers(answer.headers);
    if (!headers.has('content-type')) {
      headers.set(
        'content-type',
        typeof answer.body === 'string' ? 'text/plain; charset=UTF-8' : 'application/json',
      );
    }
    return new Response(answer.status === 204 || answer.status === 304 ? null : text, {
      status: answer.status,
      headers,
    });
  }
}

/** Refuses the request: throws a `Refusal` with this answer. */
export function refuse(answer: RefusalAnswer): never {
  throw new Refusal(answer);
}
