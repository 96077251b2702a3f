/** An error of the control API (admin routes and library): carries the HTTP status the admin API answers with. */
export class ControlError extends Error {
  override name = 'ControlError';
  readonly status: number;
  readonly details: unknown;
  constructor(status: number, message: string, details?: unknown) {
    super(message);
    this.status = status;
    this.details = details;
  }
}

/** Thrown by fault injection to drop the connection; in-process requests reject with it. */
export class DroppedConnection extends Error {
  override name = 'DroppedConnection';
}

/** The simulator did not become idle in time (`idle()` and `advance()` waiting for work in progress). */
export class BusyError extends Error {
  override name = 'BusyError';
}

/** The message of an unknown thrown value. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
