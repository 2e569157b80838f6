// Errors as the daemon answers them: the DATA `{code, message, path?, value?, expected?,
// problems?}` (message: the text the CLI prints after `paradrop VERB: `), then the ubus status
// that methods.ts's ERROR_STATUS gives for the code; and back again for the CLI talking to us.
// Invariants: a reply always has a string `code` and `message`; a STEP_FAILED reply names its
// cause's code (`cause`), so the CLI's exit code matches the direct run's.
import { ParadropError, ValidationError } from '../errors.js';
import { UbusError, UbusStatus } from '../ubus/index.js';
import { ERROR_STATUS, type ErrorReply } from './methods.js';

export type DaemonErrorReply = ErrorReply & { cause?: { code: string; message: string } };

/** JSON-safe copy (blobmsg has no undefined, bigint or functions). */
function plain(value: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(value)) as unknown;
  } catch {
    return String(value);
  }
}

export function toErrorReply(err: unknown): DaemonErrorReply {
  if (!(err instanceof ParadropError)) {
    return { code: 'UBUS_UNKNOWN_ERROR', message: `internal error: ${(err as Error)?.message ?? String(err)}` };
  }
  const out: DaemonErrorReply = { code: err.code, message: err.message };
  if (err.path !== undefined) out.path = err.path;
  if (err.value !== undefined && err.value !== null) out.value = plain(err.value);
  if (err.expected !== undefined) out.expected = err.expected;
  if (err instanceof ValidationError) {
    out.problems = err.problems.map((p) => ({ code: p.code, path: p.path, message: p.message }));
  }
  if (err.code === 'STEP_FAILED' && err.cause instanceof ParadropError) {
    out.cause = { code: err.cause.code, message: err.cause.message };
  }
  return out;
}

/** The ubus status number a failed call answers with. */
export function statusOfReply(reply: ErrorReply): number {
  const name = (ERROR_STATUS as Record<string, keyof typeof UbusStatus | undefined>)[reply.code];
  return UbusStatus[name ?? 'UNKNOWN_ERROR'];
}

/** The error a handler throws after sending `reply` as DATA, so the STATUS follows it. */
export function replyError(reply: ErrorReply): UbusError {
  return new UbusError(statusOfReply(reply), reply.message);
}

export function isErrorReply(v: unknown): v is DaemonErrorReply {
  return typeof v === 'object' && v !== null && typeof (v as ErrorReply).code === 'string' && typeof (v as ErrorReply).message === 'string';
}

/** The CLI side: a reply back into the ParadropError the direct run would have thrown. */
export function fromErrorReply(reply: DaemonErrorReply): ParadropError {
  const details = {
    ...(reply.path === undefined ? {} : { path: reply.path }),
    ...(reply.value === undefined ? {} : { value: reply.value }),
    ...(reply.expected === undefined ? {} : { expected: reply.expected }),
    ...(reply.cause === undefined ? {} : { cause: new ParadropError(reply.cause.code as ParadropError['code'], reply.cause.message) }),
  };
  return new ParadropError(reply.code, reply.message, details);
}
