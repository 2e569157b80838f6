// What the OpenWrt `ubus` CLI prints and exits with, so that paradrop's own ubus output and exit
// statuses read exactly like the real tool's to scripts on the router (vectors/ubus/sessions
// `commands[]` hold the captured stdout, stderr and exit codes).
// Invariants: `ubus call` prints each DATA reply indented (or compact with -S) plus a newline;
// a failed invoke exits with (256 - status) & 0xff and names the call on stderr, while a failed
// lookup, list or send exits with the status itself; status 2 from an invoke also makes the CLI
// print its usage text (not reproduced here, see usage: true).
import { type BlobmsgField } from './blobmsg.js';
import { toBlobmsgFields } from './blobmsg-js.js';
import { formatBlobmsgJson, formatJsonString } from './blobmsg-format.js';
import { statusText, UbusStatus } from './status.js';

export interface CliResult {
  exitCode: number;
  stderr: string;
  /** The real CLI would print its usage text after stderr (status INVALID_ARGUMENT from a call). */
  usage: boolean;
}

function fieldsOf(data: readonly BlobmsgField[] | Record<string, unknown>): readonly BlobmsgField[] {
  return Array.isArray(data) ? data : toBlobmsgFields(data as Record<string, unknown>, 'reply');
}

/** One DATA reply as `ubus call` prints it (`simple`: the -S compact form). */
export function formatCallOutput(data: readonly BlobmsgField[] | Record<string, unknown>, options: { simple?: boolean } = {}): string {
  const fields = fieldsOf(data);
  return `${options.simple === true ? formatBlobmsgJson(fields) : formatBlobmsgJson(fields, { indent: 0 })}\n`;
}

/** One line of `ubus listen` / `ubus subscribe`: the name is printed as is, unescaped. */
export function formatEventLine(name: string, data: readonly BlobmsgField[] | Record<string, unknown>): string {
  return `{ "${name}": ${formatBlobmsgJson(fieldsOf(data))} }\n`;
}

const TYPE_NAMES: Record<number, string> = { 1: 'Array', 2: 'Table', 3: 'String', 5: 'Integer', 7: 'Boolean' };

export interface ListedObject {
  path: string;
  id: number;
  signature: Record<string, Record<string, number>>;
}

/** `ubus list` (paths) or `ubus -v list` (path, id and each method with argument type names). */
export function formatListOutput(objects: readonly ListedObject[], options: { verbose?: boolean } = {}): string {
  let out = '';
  for (const o of objects) {
    if (options.verbose !== true) {
      out += `${o.path}\n`;
      continue;
    }
    out += `'${o.path}' @${(o.id >>> 0).toString(16).padStart(8, '0')}\n`;
    for (const [method, args] of Object.entries(o.signature)) {
      const list = Object.entries(args).map(([arg, type]) => `${formatJsonString(arg)}:"${TYPE_NAMES[type] ?? '(unknown)'}"`);
      out += `\t${formatJsonString(method)}:{${list.join(',')}}\n`;
    }
  }
  return out;
}

/** Exit status of `ubus call` after the invoke answered `status`. */
export function callExitCode(status: number): number {
  return (256 - status) & 0xff;
}

/** A failed `ubus list`, `ubus send` or the lookup step of `ubus call`: plain status. */
export function plainFailure(status: number): CliResult {
  return { exitCode: status & 0xff, stderr: `Command failed: ${statusText(status)}\n`, usage: false };
}

/**
 * A `ubus call` whose invoke failed (or whose message did not parse: PARSE_ERROR), as printed
 * when stderr is not a terminal (with a terminal the CLI prints plainFailure instead).
 */
export function callFailure(path: string, method: string, message: string | undefined, status: number): CliResult {
  const arg = message === undefined ? '' : ` ${message}`;
  return {
    exitCode: callExitCode(status),
    stderr: `Command failed: ubus call ${path} ${method}${arg} (${statusText(status)})\n`,
    usage: status === UbusStatus.INVALID_ARGUMENT,
  };
}
