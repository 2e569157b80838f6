// The one error type users see. Every error paradrop throws for a user carries a stable `code`
// (part of the API: CLI exit codes, ubus status and LuCI texts are chosen from it), the JSON or
// UCI `path` of the field at fault, the offending `value` and what was `expected`.
// Validation collects many problems and throws one ValidationError holding them all.

export type ErrorCode =
  | 'FIELD_INVALID'
  | 'FIELD_MISSING'
  | 'FIELD_UNKNOWN'
  | 'MACRO_UNKNOWN'
  | 'JSON_SYNTAX'
  | 'VALIDATION_FAILED'
  | 'UCI_PARSE'
  | 'UCI_INVALID_ARGUMENT'
  | 'UCI_NOT_FOUND'
  | 'SUBNET_OVERLAP'
  | 'SSID_DUPLICATE'
  | 'DEVICE_NAME_INVALID'
  | 'PORT_IN_USE'
  | 'MEMORY_OVERCOMMIT'
  | 'RADIO_UNKNOWN'
  | 'SLOT_EXHAUSTED'
  | 'CHUTE_DUPLICATE'
  | 'CHUTE_NOT_FOUND'
  | 'PROFILE_INVALID'
  | 'IO_ERROR'
  | 'HASH_MISMATCH'
  | 'FETCH_FAILED'
  /** A chute file or chute.json that the location names does not exist (HTTP 404/410, no such file): the author's mistake. */
  | 'FILE_NOT_FOUND'
  | 'FILE_TOO_LARGE'
  | 'STORE_PATH_INVALID'
  | 'PATH_UNSAFE'
  | 'ARCHIVE_UNSAFE'
  | 'ARCHIVE_CORRUPT'
  | 'USAGE'
  // src/platform/lxc: the system refused, or the chute's programs are not there.
  | 'COMMAND_FAILED'
  | 'COMMAND_TIMEOUT'
  | 'CONTAINER_NOT_FOUND'
  | 'CONTAINER_NOT_RUNNING'
  | 'CGROUP_UNAVAILABLE'
  | 'MOUNT_BUSY'
  | 'PROGRAM_MISSING'
  // src/platform/system-network.ts: chute networking in the host's own network namespace.
  | 'HOST_NETWORK_REFUSED'
  // src/engine: state and journal files, one operation at a time, steps and their rollback.
  | 'STATE_INVALID'
  | 'JOURNAL_INVALID'
  | 'BUSY'
  | 'STEP_FAILED'
  | 'ROLLBACK_FAILED'
  | 'CHUTE_STATE'
  // src/ubus: one code per ubus status (UbusError.status holds the number) and broken frames.
  | 'UBUS_INVALID_COMMAND'
  | 'UBUS_INVALID_ARGUMENT'
  | 'UBUS_METHOD_NOT_FOUND'
  | 'UBUS_NOT_FOUND'
  | 'UBUS_NO_DATA'
  | 'UBUS_PERMISSION_DENIED'
  | 'UBUS_TIMEOUT'
  | 'UBUS_NOT_SUPPORTED'
  | 'UBUS_UNKNOWN_ERROR'
  | 'UBUS_CONNECTION_FAILED'
  | 'UBUS_NO_MEMORY'
  | 'UBUS_PARSE_ERROR'
  | 'UBUS_SYSTEM_ERROR'
  | 'UBUS_PROTOCOL_ERROR';

export interface ErrorDetails {
  path?: string;
  value?: unknown;
  expected?: string;
  cause?: unknown;
}

export class ParadropError extends Error {
  readonly code: ErrorCode;
  readonly path: string | undefined;
  readonly value: unknown;
  readonly expected: string | undefined;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ParadropError';
    this.code = code;
    this.path = details.path;
    this.value = details.value;
    this.expected = details.expected;
  }

  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { code: this.code, message: this.message };
    if (this.path !== undefined) out.path = this.path;
    if (this.value !== undefined) out.value = this.value;
    if (this.expected !== undefined) out.expected = this.expected;
    return out;
  }
}

/** One problem found while validating; many are gathered before anything is thrown. */
export interface Problem {
  code: ErrorCode;
  /** JSON path (`struct.net.wifi.netmask`, `files[0]`) or UCI path. */
  path: string;
  /** Full sentence, already naming path, value and expectation. */
  message: string;
  value?: unknown;
  expected?: string;
}

export class ValidationError extends ParadropError {
  readonly problems: readonly Problem[];

  constructor(subject: string, problems: readonly Problem[]) {
    const n = problems.length;
    super('VALIDATION_FAILED', `${subject}: ${n} problem${n === 1 ? '' : 's'}:\n` +
      problems.map((p) => `  ${p.message}`).join('\n'));
    this.name = 'ValidationError';
    this.problems = problems;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), problems: this.problems };
  }
}

/** A broken invariant: a bug in paradrop, never a user's fault. */
export class InternalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InternalError';
  }
}

/** Renders a value for an error message the way a user would type it. */
export function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return 'nothing';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
