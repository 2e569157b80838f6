// `paradrop render DIR|FILE... [--profile FILE] [--json]`: loads the chutes, compiles them
// together as if installed on one gateway (so conflicts between them show) against the profile
// (default: the built-in default profile), and prints the plan: each UCI package in export
// format, each LXC config, limits, shaping, programs and notes (`--json`: the DesiredState).
// Prints nothing on stdout unless every chute loads and compiles, except with --json, which then
// prints {ok: false, code, problems: [{input?, code, path, message, value?, expected?}]} (load
// problems carry their input; compile problems name their chute in `path`). Exit 0 ok, 1 when an
// input is wrong (all load problems are listed first), 2 when a file could not be read.
import { resolve } from 'node:path';
import type { CliIo } from './io.js';
import { EXIT_OK, exitCodeFor } from './exit-codes.js';
import { ParadropError, type Problem } from '../errors.js';
import { loadChute } from '../chute/load.js';
import type { Chute } from '../chute/types.js';
import { compile } from '../plan/compile.js';
import { renderPlan } from '../plan/render.js';
import { parseCompileArgs, problemLines, problemsOf, readProfile } from './compile-args.js';

const USAGE = 'usage: paradrop render DIR|FILE... [--profile FILE] [--json]';

type JsonProblem = Problem & { input?: string };

export async function renderCommand(args: string[], io: CliIo): Promise<number> {
  const a = parseCompileArgs(args, USAGE);
  if (a.help) { io.stdout(`${USAGE}\n`); return EXIT_OK; }
  if (a.inputs.length === 0) throw new ParadropError('USAGE', `no chute given; ${USAGE}`, { expected: 'a chute directory or file' });

  const failed: JsonProblem[] = [];
  let firstCode: string | undefined;
  const fail = (err: unknown, input?: string): number => {
    if (!(err instanceof ParadropError)) throw err;
    firstCode ??= err.code;
    for (const p of problemsOf(err)) failed.push(input === undefined ? p : { input, ...p });
    if (!a.json) io.stderr(problemLines(input ?? '', err).map((l) => `${l}\n`).join(''));
    return exitCodeFor(err);
  };
  const finish = (exit: number): number => {
    if (a.json) io.stdout(`${JSON.stringify({ ok: false, code: firstCode, problems: failed }, null, 2)}\n`);
    return exit;
  };

  let profile;
  try {
    profile = await readProfile(a, io);
  } catch (err) {
    if (!a.json) throw err;
    return finish(fail(err));
  }
  const chutes: Chute[] = [];
  let exit = EXIT_OK;
  for (const input of a.inputs) {
    try {
      const { chute, source } = await loadChute(resolve(io.cwd, input), { label: input });
      chutes.push(chute);
      for (const note of source.notes) io.stderr(`${input}: note: ${note}\n`);
    } catch (err) {
      exit = Math.max(exit, fail(err, input));
    }
  }
  if (exit !== EXIT_OK) return finish(exit);

  let state;
  try {
    state = compile(profile, chutes.map((chute) => ({ chute })));
  } catch (err) {
    if (!a.json) throw err;
    return finish(fail(err));
  }
  io.stdout(a.json ? `${JSON.stringify(state, null, 2)}\n` : renderPlan(state));
  return EXIT_OK;
}
