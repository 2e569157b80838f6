// Argument parsing shared by the engine's commands: the global options every one of them takes
// (--state-dir, --store, --profile, --grace, --json, -q, -h) plus the command's own. `--x=v`,
// `--x v` and, for short options taking a value, `-xv` are accepted; `--` ends options. Unknown
// options are a USAGE error naming them.
import { ParadropError, quote } from '../errors.js';
import type { GlobalOptions } from './settings.js';

export type OptionKind = 'boolean' | 'string' | 'list';

export interface ParsedArgs {
  positional: string[];
  global: GlobalOptions;
  json: boolean;
  quiet: boolean;
  help: boolean;
  /** The command's own options, by name without dashes. */
  options: Record<string, string | boolean | string[] | undefined>;
}

const GLOBAL: Record<string, keyof GlobalOptions> = {
  '--state-dir': 'stateDir', '--store': 'store', '--profile': 'profile', '--grace': 'grace',
};

/** `spec` maps the command's flags (`--keep-data`, `-f`) to their kind; `aliases` maps short ones to long. */
export function parseArgs(args: readonly string[], spec: Record<string, OptionKind>, usage: string,
  aliases: Record<string, string> = {}): ParsedArgs {
  const out: ParsedArgs = { positional: [], global: {}, json: false, quiet: false, help: false, options: {} };
  let options = true;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!options || !arg.startsWith('-') || arg === '-') { out.positional.push(arg); continue; }
    if (arg === '--') { options = false; continue; }
    const eq = arg.indexOf('=');
    // A short option with its value attached (`-n1`) is `-n 1`.
    const shortKind = spec[aliases[arg.slice(0, 2)] ?? ''];
    const short = !arg.startsWith('--') && arg.length > 2 && shortKind !== undefined && shortKind !== 'boolean' ? arg.slice(0, 2) : undefined;
    const raw = short ?? (eq > 0 && arg.startsWith('--') ? arg.slice(0, eq) : arg);
    const flag = aliases[raw] ?? raw;
    const inline = short !== undefined ? arg.slice(2) : eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      const v = inline ?? args[++i];
      if (v === undefined || v === '') throw new ParadropError('USAGE', `${flag} needs a value; ${usage}`, { path: flag, expected: 'a value' });
      return v;
    };
    if (flag === '--json') out.json = true;
    else if (flag === '-q' || flag === '--quiet') out.quiet = true;
    else if (flag === '-h' || flag === '--help') out.help = true;
    else if (GLOBAL[flag] !== undefined) out.global[GLOBAL[flag]!] = value();
    else if (spec[flag] === 'boolean') out.options[flag.replace(/^-+/, '')] = true;
    else if (spec[flag] === 'string') out.options[flag.replace(/^-+/, '')] = value();
    else if (spec[flag] === 'list') {
      const key = flag.replace(/^-+/, '');
      out.options[key] = [...((out.options[key] as string[] | undefined) ?? []), value()];
    } else {
      throw new ParadropError('USAGE', `unknown option ${quote(arg)}; ${usage}`, { value: arg, expected: Object.keys(spec).join(', ') || 'no options' });
    }
  }
  return out;
}

/** Exactly one positional argument (a chute name or source). */
export function onePositional(p: ParsedArgs, what: string, usage: string): string {
  if (p.positional.length !== 1) {
    throw new ParadropError('USAGE', `${p.positional.length === 0 ? `no ${what} given` : `one ${what} expected, got ${p.positional.length}`}; ${usage}`,
      { expected: `one ${what}` });
  }
  return p.positional[0]!;
}
