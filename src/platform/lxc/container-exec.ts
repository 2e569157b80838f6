// Runs a command inside a running chute (`lxc-attach` with a cleared environment), and signals the
// chute's init (the engine's set-resources request: write resources.json, then SIGURG, which
// chute-init forwards to every program).
// Invariants: the command sees only PATH and HOME, never the daemon's environment; the program's
// own exit code is returned, not thrown; attaching is bounded in time.
import { ParadropError } from '../../errors.js';
import { runTool, type ToolResult } from './run-tool.js';
import { CHUTE_PATH_ENV, lxcPathOf, type LxcOptions } from './layout.js';
import { containerInfo } from './container-state.js';
import { requireRunning } from './container.js';

export interface ExecOptions extends LxcOptions {
  timeoutMs?: number;
  /** Extra environment variables (NAME=value); nothing else of ours is passed. */
  env?: Record<string, string>;
}

export async function execInContainer(name: string, argv: readonly string[], opts?: ExecOptions): Promise<ToolResult> {
  if (argv.length === 0) {
    throw new ParadropError('FIELD_INVALID', `Container "${name}": nothing to run (empty argv)`,
      { path: 'argv', value: argv, expected: 'a program and its arguments' });
  }
  const info = await containerInfo(name, opts);
  requireRunning(name, info.state, 'attached to');
  const vars = { PATH: CHUTE_PATH_ENV, HOME: '/root', ...opts?.env };
  const setVars = Object.entries(vars).flatMap(([k, v]) => ['--set-var', `${k}=${v}`]);
  return runTool('lxc-attach', ['-P', lxcPathOf(opts), '-n', name, '--clear-env', ...setVars, '--', ...argv],
    { subject: `Container "${name}"`, timeoutMs: opts?.timeoutMs ?? 30_000, okExitCodes: 'any' });
}

/** Sends a signal to the chute's init (chute-init forwards HUP, USR1 and USR2 to the programs). */
export async function signalContainerInit(name: string, signal: NodeJS.Signals, opts?: LxcOptions): Promise<void> {
  const info = await containerInfo(name, opts);
  requireRunning(name, info.state, `sent ${signal}`);
  if (info.pid === null) throw new ParadropError('CONTAINER_NOT_RUNNING', `Container "${name}" reports no init pid`);
  try {
    process.kill(info.pid, signal);
  } catch (err) {
    throw new ParadropError('CONTAINER_NOT_RUNNING', `Container "${name}": its init (pid ${info.pid}) did not take ${signal}`,
      { value: info.pid, expected: 'a live init', cause: err });
  }
}
