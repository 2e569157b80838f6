// Facts about processes from /proc: whether a pid is alive, when it started (to tell a reused pid
// from the original, for the engine's lock) and how long it has run (a chute's uptime in status).
// Invariants: read-only; a process that vanished reads as null, never as an error.
import { readFile } from 'node:fs/promises';

/** Clock ticks per second of /proc/PID/stat times: 100 on every Linux port paradrop runs on. */
const CLK_TCK = 100;

/** Field 22 of /proc/PID/stat: start time in clock ticks after boot. The comm field may hold spaces and ')'. */
export function parseStartTicks(statText: string): number | null {
  const close = statText.lastIndexOf(')');
  if (close < 0) return null;
  const fields = statText.slice(close + 2).split(' ');
  // fields[0] is field 3 (state), so field 22 is fields[19].
  const v = fields[19];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : null;
}

export async function processStartTicks(pid: number): Promise<number | null> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return text === null ? null : parseStartTicks(text);
}

/** Seconds since the process started; null if it is gone. */
export async function processUptimeSeconds(pid: number): Promise<number | null> {
  const start = await processStartTicks(pid);
  const up = await readFile('/proc/uptime', 'utf8').catch(() => null);
  if (start === null || up === null) return null;
  const sinceBoot = Number(up.split(' ')[0]);
  return Number.isFinite(sinceBoot) ? Math.max(0, Math.floor(sinceBoot - start / CLK_TCK)) : null;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
