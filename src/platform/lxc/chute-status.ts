// Reads chute-init's status file (/.paradrop/run/status, host side data/.paradrop/run/status):
// one line per program, `name pid restarts last_exit last_start state`, `-` for "none yet".
// Invariants: parseStatusFile is pure and skips lines it cannot read rather than guessing.
import { readFile } from 'node:fs/promises';
import type { ChutePlan } from '../../plan/types.js';
import { chuteLayout } from './layout.js';

export type ProgramState = 'running' | 'backoff' | 'missing' | 'stopped';

export interface ProgramStatus {
  name: string;
  /** Pid inside the chute's pid namespace; null when not running. */
  pid: number | null;
  restarts: number;
  /** Exit status of the last run (128+N: killed by signal N); null before the first exit. */
  lastExit: number | null;
  /** Unix time (s) of the last start; null if never started. */
  lastStart: number | null;
  state: ProgramState;
}

const STATES = new Set(['running', 'backoff', 'missing', 'stopped']);

function num(s: string | undefined): number | null {
  return s !== undefined && /^\d+$/.test(s) ? Number(s) : null;
}

export function parseStatusFile(text: string): ProgramStatus[] {
  const out: ProgramStatus[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length !== 6) continue;
    const [name, pid, restarts, lastExit, lastStart, state] = f as [string, string, string, string, string, string];
    if (!STATES.has(state) || num(restarts) === null) continue;
    out.push({ name, pid: num(pid), restarts: num(restarts) ?? 0, lastExit: num(lastExit), lastStart: num(lastStart),
      state: state as ProgramState });
  }
  return out;
}

/** The chute's program status as chute-init last wrote it; [] if it has not written any. */
export async function readChuteStatus(plan: ChutePlan): Promise<ProgramStatus[]> {
  const text = await readFile(chuteLayout(plan.dir).statusFile, 'utf8').catch(() => '');
  return parseStatusFile(text);
}
