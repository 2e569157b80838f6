// The method table of the ubus object `paradrop`: the one description of what the daemon offers.
// The daemon registers exactly these methods with these signatures; the rpcd ACL
// (files/usr/share/rpcd/acl.d/luci-app-paradrop.json) grants the 'read' ones to viewers and the
// 'write' ones to admins; the LuCI views call only methods listed here. test/luci checks all three
// against this file. Pure data and types: no I/O.
// Invariants: names are ubus method names (lower case, `_` between words, never integer-like, so
// object key order is registration order); every argument has one blobmsg type; a method with
// `choice` takes exactly one (required) or at most one (not required) of those arguments; long
// methods answer `{change: id}` at once and report through `paradrop.change` events and `change`.
import { BLOBMSG_TYPE } from '../ubus/blobmsg.js';
import type { ErrorCode } from '../errors.js';
import type { UbusStatusName } from '../ubus/status.js';
import type { ChuteStatus, ChuteSummary } from '../engine/index.js';

export const UBUS_OBJECT = 'paradrop';
/** The ubus event every long method sends as it goes (payload: ChangeEvent). */
export const CHANGE_EVENT = 'paradrop.change';

/** 'read': shows chute state only, safe for a viewer. 'write': changes chutes, or reads files on the gateway by path. */
export type AccessClass = 'read' | 'write';
export type ArgType = 'string' | 'int32' | 'bool' | 'table' | 'array';

export const ARG_BLOBMSG_TYPE: Readonly<Record<ArgType, number>> = {
  string: BLOBMSG_TYPE.STRING,
  int32: BLOBMSG_TYPE.INT32,
  bool: BLOBMSG_TYPE.BOOL,
  table: BLOBMSG_TYPE.TABLE,
  array: BLOBMSG_TYPE.ARRAY,
};

export interface ArgDef {
  type: ArgType;
  required: boolean;
  doc: string;
}

export interface MethodDef {
  access: AccessClass;
  args: Readonly<Record<string, ArgDef>>;
  /** Alternative arguments: exactly one of them when `required`, else at most one. */
  choice?: { of: readonly string[]; required: boolean };
  /** Answers `{change: id}` at once; the work goes on as a queued change. */
  long: boolean;
  doc: string;
}

const req = (type: ArgType, doc: string): ArgDef => ({ type, required: true, doc });
const opt = (type: ArgType, doc: string): ArgDef => ({ type, required: false, doc });

const NAME = req('string', 'installed chute name');
const PATH = opt('string', 'a chute directory or chute.json on the gateway');
const SPEC = opt('string', 'the text of a chute.json (read leniently, like a file: comments, single quotes)');
const URL_ARG = opt('string', 'http(s) URL of a chute.json or of a chute directory in a store');

function lifecycle(doc: string): MethodDef {
  return { access: 'write', args: { name: NAME }, long: true, doc };
}

export const METHODS = {
  info: {
    access: 'read', args: {}, long: false,
    doc: 'version, gateway profile, cgroup mode, radios and free resources',
  },
  list: {
    access: 'read', args: {}, long: false,
    doc: 'installed chutes with desired and actual state and addresses',
  },
  status: {
    access: 'read', args: { name: NAME }, long: false,
    doc: 'one chute: state, uptime, programs, addresses, limits, live usage, pending resource request',
  },
  logs: {
    access: 'read', long: false,
    args: {
      name: NAME,
      lines: opt('int32', 'last lines per program, 1..10000 (default 50)'),
      program: opt('string', 'only this program of the chute'),
    },
    doc: 'the last lines of the chute\'s program logs',
  },
  changes: {
    access: 'read', args: {}, long: false,
    doc: 'queued, running and recent changes, newest first',
  },
  change: {
    access: 'read', args: { id: req('string', 'change id from a long method') }, long: false,
    doc: 'one change: step, percent, state, error',
  },
  // validate and render read any file the daemon (root) can read when given a path, so they are
  // for admins; checking a chute is only useful to someone who may install it.
  validate: {
    access: 'write', args: { path: PATH, spec: SPEC }, choice: { of: ['path', 'spec'], required: true }, long: false,
    doc: 'check a chute and list every problem (a reply, not an error, when problems are found)',
  },
  render: {
    access: 'write', args: { path: PATH, spec: SPEC }, choice: { of: ['path', 'spec'], required: true }, long: false,
    doc: 'compile a chute against this gateway as if installed: UCI, LXC config, limits, shaping',
  },
  install: {
    access: 'write', args: { path: PATH, url: URL_ARG, spec: SPEC },
    choice: { of: ['path', 'url', 'spec'], required: true }, long: true,
    doc: 'install a chute, or update an installed one of the same name (its data is kept)',
  },
  update: {
    access: 'write', args: { name: NAME, path: PATH, url: URL_ARG, spec: SPEC },
    choice: { of: ['path', 'url', 'spec'], required: false }, long: true,
    doc: 'update an installed chute from a new source, or from the source it was installed from',
  },
  start: lifecycle('start a stopped chute'),
  stop: lifecycle('stop a chute (it stays installed)'),
  restart: lifecycle('stop and start a chute'),
  freeze: lifecycle('pause every process of a chute (cgroup freezer)'),
  unfreeze: lifecycle('let a frozen chute run again'),
  remove: {
    access: 'write', long: true,
    args: { name: NAME, keep_data: opt('bool', 'keep the chute\'s data directory (default false)') },
    doc: 'remove a chute: container, config, subnets, ports and (unless keep_data) its data',
  },
  set_resources: {
    access: 'write', long: true,
    args: {
      name: NAME,
      cpu: opt('int32', 'CPU shares, 2..262144 (1024 = an equal share)'),
      memory: opt('string', 'memory limit: bytes or a size such as "64M" (at least 4 MiB)'),
      net: opt('table', 'per interface {IFACE: {down: KBPS, up: KBPS}}'),
    },
    doc: 'change limits at run time: request, grace period, then force (the values persist)',
  },
} as const satisfies Record<string, MethodDef>;

export type MethodName = keyof typeof METHODS;

export const METHOD_NAMES = Object.keys(METHODS) as MethodName[];

export function methodsOfAccess(access: AccessClass): MethodName[] {
  return METHOD_NAMES.filter((m) => METHODS[m].access === access);
}

/** The ubus signature (argument name -> blobmsg type number) the daemon publishes for `name`. */
export function signatureOf(name: MethodName): Record<string, number> {
  const def: MethodDef = METHODS[name];
  return Object.fromEntries(Object.entries(def.args).map(([arg, a]) => [arg, ARG_BLOBMSG_TYPE[a.type]]));
}

// ---- Replies (JSON as the ubus CLI and LuCI see them) ----

/**
 * The DATA a failing method sends before its non-zero status: the same `message` the CLI prints.
 * rpcd/uhttpd hand LuCI the data of a failed call without its status, so a reply is an error
 * exactly when it has a string `code` and a string `message`; no success reply has a top-level
 * `code`.
 */
export interface ErrorReply {
  code: ErrorCode;
  message: string;
  path?: string;
  value?: unknown;
  expected?: string;
  /** ValidationError: every problem. */
  problems?: { code: ErrorCode; path: string; message: string }[];
}

export interface ChangeReply {
  change: string;
}

export type ChangeState = 'queued' | 'running' | 'done' | 'failed';

/** Payload of the `paradrop.change` event. */
export interface ChangeEvent {
  id: string;
  /** Empty while an install has not read the chute's name yet. */
  chute: string;
  /** The current step in words ("fetch seccam.js", "start container"), or the final outcome. */
  step: string;
  /** 0..100 */
  percent: number;
  state: ChangeState;
  error?: ErrorReply;
}

/** `change {id}` and the entries of `changes`. */
export interface ChangeRecord extends ChangeEvent {
  method: MethodName;
  /** ISO 8601 */
  queuedAt: string;
  startedAt?: string;
  finishedAt?: string;
}

export interface ListReply {
  chutes: ChuteSummary[];
}

/** `status {name}` answers the engine's ChuteStatus as it is. */
export type StatusReply = ChuteStatus;

export interface LogsReply {
  /** The lines as `paradrop logs` prints them. */
  text: string;
}

export interface ChangesReply {
  changes: ChangeRecord[];
}

export interface InfoReply {
  version: string;
  /** The gateway profile's name (the daemon also sends its fields under `profile`). */
  profile: { name: string } & Record<string, unknown>;
  cgroup: 'v1' | 'v2';
  radios: { name: string; band: string; maxAps: number; used: number }[];
  free: { memoryBytes: number; subnets: number; diskKiB: number | null };
}

export interface ValidateReply {
  valid: boolean;
  name?: string;
  problems: { code: ErrorCode; path: string; message: string }[];
  notes: string[];
}

/** ubus status a failing method answers with, by error code (a new code will not compile until classified). */
export const ERROR_STATUS: Readonly<Record<ErrorCode, UbusStatusName>> = {
  FIELD_INVALID: 'INVALID_ARGUMENT',
  FIELD_MISSING: 'INVALID_ARGUMENT',
  FIELD_UNKNOWN: 'INVALID_ARGUMENT',
  MACRO_UNKNOWN: 'INVALID_ARGUMENT',
  JSON_SYNTAX: 'INVALID_ARGUMENT',
  VALIDATION_FAILED: 'INVALID_ARGUMENT',
  UCI_INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  SUBNET_OVERLAP: 'INVALID_ARGUMENT',
  SSID_DUPLICATE: 'INVALID_ARGUMENT',
  DEVICE_NAME_INVALID: 'INVALID_ARGUMENT',
  PORT_IN_USE: 'INVALID_ARGUMENT',
  MEMORY_OVERCOMMIT: 'INVALID_ARGUMENT',
  RADIO_UNKNOWN: 'INVALID_ARGUMENT',
  CHUTE_DUPLICATE: 'INVALID_ARGUMENT',
  PROFILE_INVALID: 'INVALID_ARGUMENT',
  HASH_MISMATCH: 'INVALID_ARGUMENT',
  FILE_TOO_LARGE: 'INVALID_ARGUMENT',
  STORE_PATH_INVALID: 'INVALID_ARGUMENT',
  PATH_UNSAFE: 'INVALID_ARGUMENT',
  ARCHIVE_UNSAFE: 'INVALID_ARGUMENT',
  ARCHIVE_CORRUPT: 'INVALID_ARGUMENT',
  USAGE: 'INVALID_ARGUMENT',
  CHUTE_NOT_FOUND: 'NOT_FOUND',
  UCI_NOT_FOUND: 'NOT_FOUND',
  CONTAINER_NOT_FOUND: 'NOT_FOUND',
  // The gateway cannot take another chute / the chute is not in a state that allows this.
  SLOT_EXHAUSTED: 'NOT_SUPPORTED',
  CONTAINER_NOT_RUNNING: 'NOT_SUPPORTED',
  CHUTE_STATE: 'NOT_SUPPORTED',
  // The chute's files could not be downloaded.
  FETCH_FAILED: 'CONNECTION_FAILED',
  FILE_NOT_FOUND: 'NOT_FOUND',
  COMMAND_TIMEOUT: 'TIMEOUT',
  // Waiting for the one-operation-at-a-time lock timed out.
  BUSY: 'TIMEOUT',
  // The gateway's own config files are broken: not the caller's input.
  UCI_PARSE: 'SYSTEM_ERROR',
  IO_ERROR: 'SYSTEM_ERROR',
  COMMAND_FAILED: 'SYSTEM_ERROR',
  CGROUP_UNAVAILABLE: 'SYSTEM_ERROR',
  MOUNT_BUSY: 'SYSTEM_ERROR',
  PROGRAM_MISSING: 'SYSTEM_ERROR',
  HOST_NETWORK_REFUSED: 'PERMISSION_DENIED',
  STATE_INVALID: 'SYSTEM_ERROR',
  JOURNAL_INVALID: 'SYSTEM_ERROR',
  STEP_FAILED: 'SYSTEM_ERROR',
  ROLLBACK_FAILED: 'SYSTEM_ERROR',
  UBUS_INVALID_COMMAND: 'INVALID_COMMAND',
  UBUS_INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  UBUS_METHOD_NOT_FOUND: 'METHOD_NOT_FOUND',
  UBUS_NOT_FOUND: 'NOT_FOUND',
  UBUS_NO_DATA: 'NO_DATA',
  UBUS_PERMISSION_DENIED: 'PERMISSION_DENIED',
  UBUS_TIMEOUT: 'TIMEOUT',
  UBUS_NOT_SUPPORTED: 'NOT_SUPPORTED',
  UBUS_UNKNOWN_ERROR: 'UNKNOWN_ERROR',
  UBUS_CONNECTION_FAILED: 'CONNECTION_FAILED',
  UBUS_NO_MEMORY: 'NO_MEMORY',
  UBUS_PARSE_ERROR: 'PARSE_ERROR',
  UBUS_SYSTEM_ERROR: 'SYSTEM_ERROR',
  UBUS_PROTOCOL_ERROR: 'UNKNOWN_ERROR',
};
