// `paradrop validate DIR|FILE... [--profile FILE] [--json]`: loads each chute and compiles it on
// its own against the gateway profile (default: the built-in one), so that a chute validate calls
// ok also renders. Reports `NAME VERSION: ok` (with notes: the loader's, then the compiler's) or
// every problem, one per line, prefixed with the input path: the chute's problems first; the
// compiler's (gateway-dependent: file paths, subnets allowed on the gateway, ports it serves...)
// only once the chute itself is valid. Exit 0 when all are valid, 1 when any input is wrong, 2
// when one could not be read. `--json` prints one JSON document {ok, results: [{input, ok, name,
// version, notes, chute} | {input, ok, code, problems}]} instead, also when the profile is bad
// ({ok: false, code, problems}).
import { resolve } from 'node:path';
import type { CliIo } from './io.js';
import { EXIT_OK, exitCodeFor } from './exit-codes.js';
import { ParadropError, type Problem } from '../errors.js';
import { loadChute } from '../chute/load.js';
import type { Chute } from '../chute/types.js';
import { compile } from '../plan/compile.js';
import type { GatewayProfile } from '../plan/types.js';
import { parseCompileArgs, problemLines, problemsOf, readProfile } from './compile-args.js';

const USAGE = 'usage: paradrop validate DIR|FILE... [--profile FILE] [--json]';

type Result =
  | { input: string; ok: true; name: string; version: string; notes: string[]; chute: Chute }
  | { input: string; ok: false; code: string; problems: Problem[] };

export async function validateCommand(args: string[], io: CliIo): Promise<number> {
  const a = parseCompileArgs(args, USAGE);
  if (a.help) {
    io.stdout(`${USAGE}\n`);
    return EXIT_OK;
  }
  if (a.inputs.length === 0) throw new ParadropError('USAGE', `no chute given; ${USAGE}`, { expected: 'a chute directory or file' });

  let profile: GatewayProfile;
  try {
    profile = await readProfile(a, io);
  } catch (err) {
    if (!a.json || !(err instanceof ParadropError)) throw err;
    io.stdout(`${JSON.stringify({ ok: false, code: err.code, problems: problemsOf(err) }, null, 2)}\n`);
    return exitCodeFor(err);
  }

  const results: Result[] = [];
  const lines: string[][] = [];
  let exit = EXIT_OK;
  for (const input of a.inputs) {
    try {
      const { chute, source } = await loadChute(resolve(io.cwd, input), { label: input });
      const { notes } = compile(profile, [{ chute }]);
      const all = [...source.notes, ...notes];
      results.push({ input, ok: true, name: chute.name, version: chute.version, notes: all, chute });
      lines.push([`${chute.name} ${chute.version}: ok`, ...all.map((n) => `  note: ${n}`)]);
    } catch (err) {
      if (!(err instanceof ParadropError)) throw err;
      exit = Math.max(exit, exitCodeFor(err));
      results.push({ input, ok: false, code: err.code, problems: problemsOf(err) });
      lines.push(problemLines(input, err));
    }
  }

  if (a.json) {
    io.stdout(`${JSON.stringify({ ok: exit === EXIT_OK, results }, null, 2)}\n`);
    return exit;
  }
  results.forEach((r, i) => {
    const text = lines[i]!.map((l) => `${l}\n`).join('');
    if (r.ok) io.stdout(text);
    else io.stderr(text);
  });
  return exit;
}
