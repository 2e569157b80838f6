// `paradrop validate DIR|FILE... [--json]`: loads each chute and reports `NAME VERSION: ok` (with
// notes) or every problem, one per line, prefixed with the input path. Exit 0 when all are valid,
// 1 when any input is wrong, 2 when one could not be read. `--json` prints one JSON document
// {ok, results: [{input, ok, name, version, notes, chute} | {input, ok, code, problems}]} instead.
import { resolve } from 'node:path';
import type { CliIo } from './io.js';
import { EXIT_OK, exitCodeFor } from './exit-codes.js';
import { ParadropError, type Problem, ValidationError } from '../errors.js';
import { loadChute } from '../chute/load.js';
import type { Chute } from '../chute/types.js';

const USAGE = 'usage: paradrop validate DIR|FILE... [--json]';

type Result =
  | { input: string; ok: true; name: string; version: string; notes: string[]; chute: Chute }
  | { input: string; ok: false; code: string; problems: Problem[] };

export async function validateCommand(args: string[], io: CliIo): Promise<number> {
  let json = false;
  const inputs: string[] = [];
  let options = true;
  for (const arg of args) {
    if (options && arg === '--') options = false;
    else if (options && arg === '--json') json = true;
    else if (options && (arg === '-h' || arg === '--help')) {
      io.stdout(`${USAGE}\n`);
      return EXIT_OK;
    } else if (options && arg.startsWith('-') && arg !== '-') {
      throw new ParadropError('USAGE', `unknown option ${JSON.stringify(arg)}; ${USAGE}`, { value: arg, expected: '--json' });
    } else inputs.push(arg);
  }
  if (inputs.length === 0) throw new ParadropError('USAGE', `no chute given; ${USAGE}`, { expected: 'a chute directory or file' });

  const results: Result[] = [];
  const lines: string[][] = [];
  let exit = EXIT_OK;
  for (const input of inputs) {
    try {
      const { chute, source } = await loadChute(resolve(io.cwd, input), { label: input });
      results.push({ input, ok: true, name: chute.name, version: chute.version, notes: source.notes, chute });
      lines.push([`${chute.name} ${chute.version}: ok`, ...source.notes.map((n) => `  note: ${n}`)]);
    } catch (err) {
      if (!(err instanceof ParadropError)) throw err;
      exit = Math.max(exit, exitCodeFor(err));
      const problems = problemsOf(err);
      results.push({ input, ok: false, code: err.code, problems });
      // Other errors (syntax, missing path) already name the file in their message.
      lines.push(err instanceof ValidationError ? problems.map((p) => `${input}: ${p.message}`) : [err.message]);
    }
  }

  if (json) {
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

/** Every error as a list of problems, so JSON consumers handle one shape. */
function problemsOf(err: ParadropError): Problem[] {
  if (err instanceof ValidationError) return [...err.problems];
  const p: Problem = { code: err.code, path: err.path ?? '', message: err.message };
  if (err.value !== undefined) p.value = err.value;
  if (err.expected !== undefined) p.expected = err.expected;
  return [p];
}
