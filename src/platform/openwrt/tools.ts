// How the OpenWrt platform runs the system's tools (uci, fw4, wifi, /etc/init.d/*): argument
// arrays, a deadline, the caller's PATH, and a ParadropError in our words when a tool fails.
// Tests point `path` and `initDir` at their own directories; nothing else differs.
import { join } from 'node:path';
import { ParadropError, quote } from '../../errors.js';
import { execFile } from '../exec.js';

export interface OpenWrtTools {
  /** PATH for uci, fw4, wifi and ubus (default: OpenWrt's). */
  path: string;
  /** Where the init scripts are (default /etc/init.d). */
  initDir: string;
  timeoutMs: number;
}

export const DEFAULT_TOOLS: OpenWrtTools = {
  path: '/usr/sbin:/usr/bin:/sbin:/bin', initDir: '/etc/init.d', timeoutMs: 60_000,
};

export interface ToolRun {
  ok: boolean;
  stdout: string;
  stderr: string;
}

export async function runTool(t: OpenWrtTools, file: string, args: readonly string[], input?: string): Promise<ToolRun> {
  const r = await execFile(file, args, { timeoutMs: t.timeoutMs, env: { PATH: t.path }, ...(input === undefined ? {} : { input }) });
  const shown = [file, ...args].join(' ');
  if (r.spawnError === 'ENOENT') {
    throw new ParadropError('PROGRAM_MISSING', `${quote(file)} is not installed (needed for \`${shown}\`)`, { value: file, expected: 'an OpenWrt system tool' });
  }
  if (r.timedOut) throw new ParadropError('COMMAND_TIMEOUT', `\`${shown}\` did not finish within ${t.timeoutMs} ms`, { value: shown });
  return { ok: r.exitCode === 0, stdout: r.stdout, stderr: r.stderr };
}

/** Like runTool, but a non-zero exit is a COMMAND_FAILED naming the tool and its message. */
export async function mustRun(t: OpenWrtTools, file: string, args: readonly string[], input?: string): Promise<string> {
  const r = await runTool(t, file, args, input);
  if (!r.ok) {
    const shown = [file, ...args].join(' ');
    throw new ParadropError('COMMAND_FAILED', `\`${shown}\` failed: ${(r.stderr || r.stdout).trim() || 'no message'}`, { value: shown });
  }
  return r.stdout;
}

export const initScript = (t: OpenWrtTools, service: string): string => join(t.initDir, service);
