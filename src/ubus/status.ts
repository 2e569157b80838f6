// ubus status codes (enum ubus_msg_status), their names and CLI texts, and UbusError: the one
// error every ubus layer throws. Shared vocabulary, so it sits below all layers.
// Invariants: a status travels as u32; any number is allowed, unknown ones keep their value and
// map to UBUS_UNKNOWN_ERROR; the texts are what `ubus` prints after "Command failed: ".
import { type ErrorCode, ParadropError } from '../errors.js';

export const UbusStatus = {
  OK: 0,
  INVALID_COMMAND: 1,
  INVALID_ARGUMENT: 2,
  METHOD_NOT_FOUND: 3,
  NOT_FOUND: 4,
  NO_DATA: 5,
  PERMISSION_DENIED: 6,
  TIMEOUT: 7,
  NOT_SUPPORTED: 8,
  UNKNOWN_ERROR: 9,
  CONNECTION_FAILED: 10,
  NO_MEMORY: 11,
  PARSE_ERROR: 12,
  SYSTEM_ERROR: 13,
} as const;
export type UbusStatusName = keyof typeof UbusStatus;

const NAMES: readonly UbusStatusName[] = Object.keys(UbusStatus) as UbusStatusName[];

const TEXTS: readonly string[] = [
  'Success',
  'Invalid command',
  'Invalid argument',
  'Method not found',
  'Not found',
  'No response',
  'Permission denied',
  'Request timed out',
  'Operation not supported',
  'Unknown error',
  'Connection failed',
  'Out of memory',
  'Parsing message data failed',
  'System error',
];

const CODES: Record<UbusStatusName, ErrorCode | null> = {
  OK: null,
  INVALID_COMMAND: 'UBUS_INVALID_COMMAND',
  INVALID_ARGUMENT: 'UBUS_INVALID_ARGUMENT',
  METHOD_NOT_FOUND: 'UBUS_METHOD_NOT_FOUND',
  NOT_FOUND: 'UBUS_NOT_FOUND',
  NO_DATA: 'UBUS_NO_DATA',
  PERMISSION_DENIED: 'UBUS_PERMISSION_DENIED',
  TIMEOUT: 'UBUS_TIMEOUT',
  NOT_SUPPORTED: 'UBUS_NOT_SUPPORTED',
  UNKNOWN_ERROR: 'UBUS_UNKNOWN_ERROR',
  CONNECTION_FAILED: 'UBUS_CONNECTION_FAILED',
  NO_MEMORY: 'UBUS_NO_MEMORY',
  PARSE_ERROR: 'UBUS_PARSE_ERROR',
  SYSTEM_ERROR: 'UBUS_SYSTEM_ERROR',
};

/** `NOT_FOUND`, or `STATUS_42` for numbers outside the enum. */
export function statusName(status: number): string {
  return NAMES[status] ?? `STATUS_${status}`;
}

/** The text `ubus_strerror` gives: what the CLI prints. */
export function statusText(status: number): string {
  return TEXTS[status] ?? `Unknown error: ${status}`;
}

export function errorCodeForStatus(status: number): ErrorCode {
  const name = NAMES[status];
  return (name === undefined ? null : CODES[name]) ?? 'UBUS_UNKNOWN_ERROR';
}

/**
 * A ubus failure: a non-zero status from ubusd or an object, a timeout, a lost connection, or a
 * malformed message. `status` is the ubus number a server should answer with.
 */
export class UbusError extends ParadropError {
  readonly status: number;

  constructor(status: number, message: string, details: { path?: string; value?: unknown; expected?: string; cause?: unknown } = {}) {
    super(errorCodeForStatus(status), message, details);
    this.name = 'UbusError';
    this.status = status;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), status: this.status };
  }
}

/** Builds the error for a request answered with `status`, naming what was asked. */
export function statusError(status: number, what: string, details: { path?: string; value?: unknown } = {}): UbusError {
  return new UbusError(status, `${what} failed: ${statusText(status)} (ubus status ${status} ${statusName(status)})`, details);
}

/** A broken frame or an impossible message from the peer: the connection can't be trusted. */
export class UbusProtocolError extends ParadropError {
  constructor(message: string, details: { value?: unknown; expected?: string } = {}) {
    super('UBUS_PROTOCOL_ERROR', message, details);
    this.name = 'UbusProtocolError';
  }
}
