// Output shared by the engine's commands: the engine command wrapper (global options, context,
// errors → message and exit code), tables, durations and sizes for people, JSON for scripts.
// Exit codes: 0 ok, 1 the user's input was wrong, 2 the system failed; a failed step is classified
// by its cause (a sha1 mismatch is the chute's fault; lxc-start failing is the system's).
import { ParadropError, ValidationError } from '../errors.js';
import type { EngineContext, Reporter } from '../engine/types.js';
import type { OperationResult } from '../engine/operations.js';
import { createProgressPrinter } from '../platform/fetch/index.js';
import type { CliIo } from './io.js';
import { EXIT_OK, EXIT_SYSTEM, EXIT_USER } from './exit-codes.js';
import { type OptionKind, type ParsedArgs, parseArgs } from './args.js';
import { engineContext } from './settings.js';

/** Error codes that mean the system (tools, files, kernel) failed, not the user's input. */
const SYSTEM_CODES = new Set([
  'IO_ERROR', 'COMMAND_FAILED', 'COMMAND_TIMEOUT', 'CGROUP_UNAVAILABLE', 'MOUNT_BUSY', 'CONTAINER_NOT_FOUND',
  'CONTAINER_NOT_RUNNING', 'ROLLBACK_FAILED', 'JOURNAL_INVALID', 'STATE_INVALID', 'BUSY', 'FETCH_FAILED',
]);

export function engineExitCode(err: unknown): number {
  if (!(err instanceof ParadropError)) return EXIT_SYSTEM;
  if (err.code === 'STEP_FAILED') return err.cause === undefined ? EXIT_SYSTEM : engineExitCode(err.cause);
  return SYSTEM_CODES.has(err.code) ? EXIT_SYSTEM : EXIT_USER;
}

function errorJson(err: unknown): Record<string, unknown> {
  if (err instanceof ParadropError) {
    const out = err.toJSON();
    if (err.code === 'STEP_FAILED' && err.cause instanceof ParadropError) out.cause = err.cause.toJSON();
    return out;
  }
  return { code: 'INTERNAL', message: String((err as Error)?.message ?? err) };
}

function reporterFor(io: CliIo, p: ParsedArgs): Reporter {
  if (p.quiet) return { info: () => undefined };
  const print = createProgressPrinter((line) => io.stderr(line));
  return { info: (line) => io.stderr(`${line}\n`), progress: print };
}

export interface CommandSpec {
  name: string;
  usage: string;
  options?: Record<string, OptionKind>;
  aliases?: Record<string, string>;
  run(ctx: EngineContext, p: ParsedArgs, io: CliIo): Promise<number>;
}

/** Parses, builds the context, runs, and turns errors into a message and an exit code. */
export async function runEngineCommand(spec: CommandSpec, args: string[], io: CliIo): Promise<number> {
  let p: ParsedArgs | undefined;
  try {
    p = parseArgs(args, spec.options ?? {}, spec.usage, spec.aliases);
    if (p.help) { io.stdout(`${spec.usage}\n`); return EXIT_OK; }
    const ctx = await engineContext(p.global, io, reporterFor(io, p));
    return await spec.run(ctx, p, io);
  } catch (err) {
    if (!(err instanceof ParadropError)) io.stderr(`paradrop ${spec.name}: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    else if (err instanceof ValidationError) io.stderr(`paradrop ${spec.name}: ${err.message}\n`);
    else io.stderr(`paradrop ${spec.name}: ${err.message}\n`);
    if (p?.json === true) io.stdout(`${JSON.stringify({ error: errorJson(err) }, null, 2)}\n`);
    return engineExitCode(err);
  }
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** Columns padded to the widest cell; the last column is not padded. */
export function formatTable(rows: readonly string[][]): string {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => { widths[i] = Math.max(widths[i] ?? 0, c.length); });
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}

export function formatDuration(s: number): string {
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (d > 0) return `${d}d ${h}h ${m}m`;
  if (h > 0) return `${h}h ${m}m ${sec}s`;
  if (m > 0) return `${m}m ${sec}s`;
  return `${sec}s`;
}

export function formatSize(n: number | null | undefined): string {
  if (n === null || n === undefined) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return u === 0 ? `${v} B` : `${v.toFixed(v < 10 && v % 1 !== 0 ? 1 : 0)} ${units[u]}`;
}

/** What an operation did, for people: a verdict line, recovery, notes. */
export function describeResult(r: OperationResult, done: string, nothing: string): string {
  const lines: string[] = [];
  if (r.recovered) lines.push(`note: an interrupted ${r.recovered.op}${r.recovered.chute ? ` ${r.recovered.chute}` : ''} was ${r.recovered.outcome} first`);
  lines.push(r.steps === 0 ? nothing : done);
  for (const c of r.changes) {
    if (c.kind === 'change' && c.class !== 'none' && c.fields.length > 0) lines.push(`  ${c.chute}: ${c.class} (${c.fields.join(', ')} changed)`);
  }
  for (const n of r.notes) lines.push(`note: ${n}`);
  return `${lines.join('\n')}\n`;
}
