// Runs one system tool (lxc-*, mount, losetup, mkfs.ext4) with an argument array and a deadline,
// and turns every way it can go wrong into a ParadropError that names the container (or chute)
// it was for, the command line and the tool's own stderr.
// Invariants: never a shell string; never an unbounded wait; the child gets a fixed, small
// environment (no secrets of ours leak into LXC hooks) and no stdin.
import { execFile } from '../exec.js';
import debug from '../../log.js';
import { ParadropError } from '../../errors.js';

const log = debug('paradrop:lxc:run-tool');

/** What tools see as their environment: only a PATH that finds them on Debian and OpenWrt. */
const TOOL_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' };

export interface ToolResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ToolOptions {
  /** Container or chute the command is for; named in errors. */
  subject: string;
  timeoutMs?: number;
  /** Exit codes that are not failures (default: only 0); 'any' for commands run on a chute's behalf. */
  okExitCodes?: readonly number[] | 'any';
}

export const DEFAULT_TOOL_TIMEOUT_MS = 30_000;

/** Runs `file args...`; throws COMMAND_FAILED / COMMAND_TIMEOUT unless the exit code is accepted. */
export async function runTool(file: string, args: readonly string[], opts: ToolOptions): Promise<ToolResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TOOL_TIMEOUT_MS;
  const commandLine = [file, ...args].join(' ');
  log('--> %s (%s)', commandLine, opts.subject);
  const r = await execFile(file, args, { timeoutMs, killAfterMs: 2000, env: TOOL_ENV });
  const stderr = r.stderr.trim();
  const stdout = r.stdout.replace(/\n$/, '');
  log('<-- %s exit=%s', file, r.exitCode);
  if (r.timedOut) {
    throw new ParadropError('COMMAND_TIMEOUT',
      `${opts.subject}: "${commandLine}" did not finish within ${timeoutMs} ms` +
      (stderr ? `; it said: ${stderr}` : ''),
      { value: commandLine, expected: `completion within ${timeoutMs} ms` });
  }
  if (r.exitCode === undefined) {
    const why = r.spawnError === 'ENOENT' ? `${file} is not installed (not found in ${TOOL_ENV.PATH})`
      : (r.signal ? `${file} was killed by ${r.signal}` : (r.spawnMessage ?? 'it could not run'));
    throw new ParadropError('COMMAND_FAILED', `${opts.subject}: "${commandLine}" failed: ${why}`,
      { value: commandLine, expected: 'the command to run' });
  }
  const ok = opts.okExitCodes ?? [0];
  if (ok !== 'any' && !ok.includes(r.exitCode)) {
    throw new ParadropError('COMMAND_FAILED',
      `${opts.subject}: "${commandLine}" exited with ${r.exitCode}` +
      (stderr ? `: ${stderr}` : ' without saying why'),
      { value: commandLine, expected: `exit code ${ok.join(' or ')}` });
  }
  return { exitCode: r.exitCode, stdout, stderr };
}
