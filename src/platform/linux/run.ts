// Runs the tools the Linux applier drives (ip, tc, nft, dnsmasq, nsenter) with argument arrays
// and a deadline, optionally inside a named network namespace, and turns every failure into a
// ParadropError naming the command and the tool's own stderr.
// Invariants: never a shell string; never an unbounded wait; a fixed, small environment. With
// `netns`, ip and tc get `-n NS` and the others run under `ip netns exec NS`, so a test can
// point the whole applier at a namespace it created and nothing touches the host's network.
import { execFile } from '../exec.js';
import debug from '../../log.js';
import { ParadropError } from '../../errors.js';

const log = debug('paradrop:linux:run');

const TOOL_ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C' };
export const DEFAULT_TIMEOUT_MS = 20_000;

export interface RunContext {
  /** Network namespace (`ip netns` name) everything runs in; absent: the current one. */
  netns?: string;
  /** Path of the nft binary. */
  nft: string;
  /** Path of the dnsmasq binary. */
  dnsmasq: string;
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  okExitCodes?: readonly number[];
  timeoutMs?: number;
}

export async function run(file: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const line = [file, ...args].join(' ');
  log('--> %s', line);
  const r = await execFile(file, args, {
    timeoutMs, killAfterMs: 2000, env: TOOL_ENV, ...(opts.input !== undefined ? { input: opts.input } : {}),
  });
  const stdout = r.stdout;
  const stderr = r.stderr.trim();
  log('<-- %s exit=%s', file, r.exitCode);
  if (r.timedOut) {
    throw new ParadropError('COMMAND_TIMEOUT', `"${line}" did not finish within ${timeoutMs} ms${stderr ? `; it said: ${stderr}` : ''}`,
      { value: line, expected: `completion within ${timeoutMs} ms` });
  }
  if (r.exitCode === undefined) {
    const why = r.spawnError === 'ENOENT' ? `${file} is not installed (not found in ${TOOL_ENV.PATH})`
      : (r.signal ? `${file} was killed by ${r.signal}` : (r.spawnMessage ?? 'it could not run'));
    throw new ParadropError('COMMAND_FAILED', `"${line}" failed: ${why}`, { value: line, expected: 'the command to run' });
  }
  const ok = opts.okExitCodes ?? [0];
  if (!ok.includes(r.exitCode)) {
    throw new ParadropError('COMMAND_FAILED', `"${line}" exited with ${r.exitCode}${stderr ? `: ${stderr}` : ' without saying why'}`,
      { value: line, expected: `exit code ${ok.join(' or ')}` });
  }
  return { exitCode: r.exitCode, stdout, stderr };
}

/** `ip [-n NS] args`. */
export const ip = (ctx: RunContext, args: readonly string[], opts?: RunOptions): Promise<RunResult> =>
  run('ip', ctx.netns ? ['-n', ctx.netns, ...args] : args, opts);

/** `tc [-n NS] args`. */
export const tc = (ctx: RunContext, args: readonly string[], opts?: RunOptions): Promise<RunResult> =>
  run('tc', ctx.netns ? ['-n', ctx.netns, ...args] : args, opts);

/** Any other program, inside the namespace when there is one. */
export function inNetns(ctx: RunContext, file: string, args: readonly string[], opts?: RunOptions): Promise<RunResult> {
  return ctx.netns ? run('ip', ['netns', 'exec', ctx.netns, file, ...args], opts) : run(file, args, opts);
}

export const nft = (ctx: RunContext, args: readonly string[], opts?: RunOptions): Promise<RunResult> => inNetns(ctx, ctx.nft, args, opts);

/** A program in the network namespace of a process (a chute's init), e.g. `tc` for its upload. */
export const inProcessNetns = (pid: number, file: string, args: readonly string[], opts?: RunOptions): Promise<RunResult> =>
  run('nsenter', ['-t', String(pid), '-n', file, ...args], opts);
