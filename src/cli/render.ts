// `paradrop render DIR|FILE... [--profile FILE] [--json]`: loads the chutes, compiles them
// together as if installed on one gateway (so conflicts between them show) against the profile
// (default: the built-in default profile), and prints the plan: each UCI package in export
// format, each LXC config, limits, shaping, programs and notes (`--json`: the DesiredState).
// Prints nothing on stdout unless every chute loads and compiles. Exit 0 ok, 1 when an input is
// wrong (all load problems are listed first), 2 when a file could not be read.
import { resolve } from 'node:path';
import type { CliIo } from './io.js';
import { EXIT_OK, exitCodeFor } from './exit-codes.js';
import { ParadropError, ValidationError } from '../errors.js';
import { loadChute } from '../chute/load.js';
import type { Chute } from '../chute/types.js';
import { compile } from '../plan/compile.js';
import { loadProfile } from '../plan/load-profile.js';
import { defaultProfile } from '../plan/profile.js';
import { renderPlan } from '../plan/render.js';

const USAGE = 'usage: paradrop render DIR|FILE... [--profile FILE] [--json]';

interface Args { inputs: string[]; profile?: string; json: boolean; help: boolean }

function parseArgs(args: string[]): Args {
  const out: Args = { inputs: [], json: false, help: false };
  let options = true;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (options && arg === '--') options = false;
    else if (options && arg === '--json') out.json = true;
    else if (options && (arg === '-h' || arg === '--help')) out.help = true;
    else if (options && (arg === '--profile' || arg.startsWith('--profile='))) {
      const value = arg === '--profile' ? args[++i] : arg.slice('--profile='.length);
      if (value === undefined || value === '') throw new ParadropError('USAGE', `--profile needs a file; ${USAGE}`, { expected: 'a profile file' });
      out.profile = value;
    } else if (options && arg.startsWith('-') && arg !== '-') {
      throw new ParadropError('USAGE', `unknown option ${JSON.stringify(arg)}; ${USAGE}`, { value: arg, expected: '--profile FILE or --json' });
    } else out.inputs.push(arg);
  }
  return out;
}

export async function renderCommand(args: string[], io: CliIo): Promise<number> {
  const a = parseArgs(args);
  if (a.help) { io.stdout(`${USAGE}\n`); return EXIT_OK; }
  if (a.inputs.length === 0) throw new ParadropError('USAGE', `no chute given; ${USAGE}`, { expected: 'a chute directory or file' });

  const profile = a.profile === undefined ? defaultProfile() : await loadProfile(resolve(io.cwd, a.profile), a.profile);
  const chutes: Chute[] = [];
  let exit = EXIT_OK;
  for (const input of a.inputs) {
    try {
      const { chute, source } = await loadChute(resolve(io.cwd, input), { label: input });
      chutes.push(chute);
      for (const note of source.notes) io.stderr(`${input}: note: ${note}\n`);
    } catch (err) {
      if (!(err instanceof ParadropError)) throw err;
      exit = Math.max(exit, exitCodeFor(err));
      const lines = err instanceof ValidationError ? err.problems.map((p) => `${input}: ${p.message}`) : [err.message];
      io.stderr(lines.map((l) => `${l}\n`).join(''));
    }
  }
  if (exit !== EXIT_OK) return exit;

  const state = compile(profile, chutes.map((chute) => ({ chute })));
  io.stdout(a.json ? `${JSON.stringify(state, null, 2)}\n` : renderPlan(state));
  return EXIT_OK;
}
