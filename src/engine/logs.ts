// `paradrop logs NAME [-f] [--program P] [-n LINES]`: the chute's program logs, which chute-init
// writes on the chute's disk (/var/log/paradrop/NAME.log). Following polls the files (no inotify
// on every gateway) and starts again from the top of a file that shrank (chute-init rotates by
// copy and truncate).
import { ParadropError, quote } from '../errors.js';
import { loadState } from './state-store.js';
import { compileState } from './world.js';
import type { EngineContext } from './types.js';

export interface LogsOptions {
  program?: string;
  lines: number;
}

async function logFilesOf(ctx: EngineContext, name: string, program: string | undefined): Promise<Array<{ program: string; path: string }>> {
  const { state } = await loadState(ctx.settings);
  if (state.chutes[name] === undefined) {
    throw new ParadropError('CHUTE_NOT_FOUND', `chute ${quote(name)} is not installed; see \`paradrop list\``, { value: name });
  }
  const plan = compileState(ctx.settings, state).plans.get(name)!;
  const files = await ctx.platform.files.listChuteLogs(plan.dir);
  if (program === undefined) return files;
  const one = files.filter((f) => f.program === program);
  if (one.length === 0) {
    const known = plan.runtime.map((p) => p.name);
    throw new ParadropError('FIELD_INVALID', `chute ${quote(name)} has no log of program ${quote(program)} (programs: ${known.join(', ') || 'none'})`,
      { path: '--program', value: program, expected: known.join(', ') });
  }
  return one;
}

/** The last lines of each log; with several programs each line is prefixed by its program. */
export async function readLogs(ctx: EngineContext, name: string, opts: LogsOptions): Promise<{ text: string; offsets: Map<string, number> }> {
  const files = await logFilesOf(ctx, name, opts.program);
  const offsets = new Map<string, number>();
  let text = '';
  for (const f of files) {
    const t = await ctx.platform.files.tailLog(f.path, opts.lines);
    offsets.set(f.path, t.size);
    text += files.length > 1 ? prefixLines(f.program, t.text) : t.text;
  }
  return { text, offsets };
}

function prefixLines(program: string, text: string): string {
  return text.split('\n').map((l, i, all) => (i === all.length - 1 && l === '' ? '' : `${program}: ${l}\n`)).join('');
}

/** Polls the logs and hands new text to `write` until `signal` aborts. */
export async function followLogs(ctx: EngineContext, name: string, opts: LogsOptions, offsets: Map<string, number>,
  write: (text: string) => void, signal: AbortSignal, pollMs = 250): Promise<void> {
  while (!signal.aborted) {
    await new Promise((r) => setTimeout(r, pollMs));
    const files = await logFilesOf(ctx, name, opts.program).catch(() => []);
    for (const f of files) {
      const from = offsets.get(f.path) ?? 0;
      const got = await ctx.platform.files.readLogFrom(f.path, from);
      offsets.set(f.path, got.size);
      if (got.text !== '') write(files.length > 1 ? prefixLines(f.program, got.text) : got.text);
    }
  }
}
