// What `paradrop validate` and `paradrop render` share: their arguments (inputs, --json,
// --profile FILE given at most once), reading the gateway profile, and how a problem is printed.
// A problem line is `INPUT: message`, except for a problem about a file of the input (syntax,
// size, encoding: its `path` is that file's label, which starts with the input as typed), whose
// message already names the file.
import { resolve } from 'node:path';
import type { CliIo } from './io.js';
import { ParadropError, type Problem, ValidationError } from '../errors.js';
import { loadProfile } from '../plan/load-profile.js';
import { probedProfile } from './settings.js';
import type { GatewayProfile } from '../plan/types.js';

export interface CompileArgs {
  inputs: string[];
  profile?: string;
  json: boolean;
  help: boolean;
}

export function parseCompileArgs(args: readonly string[], usage: string): CompileArgs {
  const out: CompileArgs = { inputs: [], json: false, help: false };
  let options = true;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (options && arg === '--') options = false;
    else if (options && arg === '--json') out.json = true;
    else if (options && (arg === '-h' || arg === '--help')) out.help = true;
    else if (options && (arg === '--profile' || arg.startsWith('--profile='))) {
      const value = arg === '--profile' ? args[++i] : arg.slice('--profile='.length);
      if (value === undefined || value === '') throw new ParadropError('USAGE', `--profile needs a file; ${usage}`, { expected: 'a profile file' });
      if (out.profile !== undefined) {
        throw new ParadropError('USAGE', `--profile is given twice (${JSON.stringify(out.profile)} and ${JSON.stringify(value)}); give one gateway profile; ${usage}`,
          { value, expected: 'one --profile FILE' });
      }
      out.profile = value;
    } else if (options && arg.startsWith('-') && arg !== '-') {
      throw new ParadropError('USAGE', `unknown option ${JSON.stringify(arg)}; ${usage}`, { value: arg, expected: '--profile FILE or --json' });
    } else out.inputs.push(arg);
  }
  return out;
}

/**
 * The profile named by --profile (else PARADROP_PROFILE), else the one `install` would use on this
 * machine: the built-in default with this system's cgroup version, RAM and radios. So what
 * `render` and `validate` print is what `install` writes here.
 */
export async function readProfile(a: CompileArgs, io: CliIo): Promise<GatewayProfile> {
  const file = a.profile ?? io.env.PARADROP_PROFILE;
  return file === undefined ? probedProfile() : loadProfile(resolve(io.cwd, file), file);
}

/** Every error as a list of problems, so JSON consumers handle one shape. */
export function problemsOf(err: ParadropError): Problem[] {
  if (err instanceof ValidationError) return [...err.problems];
  const p: Problem = { code: err.code, path: err.path ?? '', message: err.message };
  if (err.value !== undefined) p.value = err.value;
  if (err.expected !== undefined) p.expected = err.expected;
  return [p];
}

/** One line per problem of `err`, for the input `input`. */
export function problemLines(input: string, err: ParadropError): string[] {
  if (!(err instanceof ValidationError)) return [err.message];
  const dir = `${input.replace(/\/+$/, '')}/`;
  return err.problems.map((p) => (p.path === input || p.path.startsWith(dir) ? p.message : `${input}: ${p.message}`));
}
