// Runs one program with an argument array (never a shell string) and a deadline, and reports what
// happened without throwing: exit code or signal, stdout, stderr, timed out or not started.
// The wrappers in lxc/run-tool.ts and linux/run.ts turn that into ParadropErrors in their own words.
// Why not execa: it is most of a 300 KB bundle's budget on a router, for what spawn() does here.
import { spawn } from 'node:child_process';

export interface ExecOptions {
  /** Written to stdin, which is then closed; absent: stdin is /dev/null. */
  input?: string;
  timeoutMs: number;
  /** After the timeout's SIGTERM, SIGKILL if the child is still there this much later. */
  killAfterMs?: number;
  /** The child's whole environment (nothing of ours is inherited). */
  env: Record<string, string>;
}

export interface ExecResult {
  /** Absent when the program did not start or was killed by a signal. */
  exitCode?: number;
  signal?: NodeJS.Signals;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** errno code when the program could not be started (`ENOENT`: not installed). */
  spawnError?: string;
  spawnMessage?: string;
}

export function execFile(file: string, args: readonly string[], opts: ExecOptions): Promise<ExecResult> {
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;
    const child = spawn(file, [...args], {
      env: opts.env,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs ?? 2000);
      killTimer.unref();
    }, opts.timeoutMs);
    const finish = (r: Omit<ExecResult, 'stdout' | 'stderr' | 'timedOut'>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      resolve({ ...r, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), timedOut });
    };
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => finish({ spawnError: e.code ?? 'UNKNOWN', spawnMessage: e.message }));
    child.on('close', (code, signal) => finish(code === null ? { signal: signal ?? undefined } : { exitCode: code }));
    if (opts.input !== undefined && child.stdin) {
      // A child that exits without reading its input must not crash us with EPIPE.
      child.stdin.on('error', () => {});
      child.stdin.end(opts.input);
    }
  });
}
