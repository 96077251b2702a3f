import type { OutboundRequest, OutboundResponse, Sender } from '../../src/http-sender.ts';

/** An outbound request as the recording sender got it, with its body parsed when it is JSON. */
export type SentRequest = OutboundRequest & { json: unknown };

/** What the fake receiver answers: a status (empty body), a whole answer, or either computed per request. */
export type Answer = number | OutboundResponse | ((request: SentRequest) => number | OutboundResponse);

/** A fake outbound sender that records every request in order and answers 200 until told otherwise. */
export type RecordingSender = {
  /** Pass as the simulator's `send` option. */
  send: Sender;
  /** Every outbound request, in the order it was sent. */
  sent: SentRequest[];
  /** Sets what the fake receiver answers from now on. */
  respondWith(answer: Answer): void;
};

/** Creates a recording sender; no socket is opened. */
export function createRecordingSender(): RecordingSender {
  const sent: SentRequest[] = [];
  let answer: Answer = 200;
  return {
    sent,
    respondWith(next) {
      answer = next;
    },
    send: async (request) => {
      const record: SentRequest = {
        ...request,
        headers: { ...request.headers },
        json: parseJson(request.body),
      };
      sent.push(record);
      const result = typeof answer === 'function' ? answer(record) : answer;
      return typeof result === 'number' ? { status: result, body: '' } : result;
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
