// The programs file: a chute's runtime programs as a POSIX sh fragment that chute-init sources.
// One block per program: its name, its argv[0] (for the existence check) and a function that execs
// its argv. Every word is single-quoted, so no argument is ever expanded, split or run by the shell,
// whatever it holds (quotes, $(...), backticks, newlines, spaces).
// Invariants: names are safe as file names (they name the log file); toProgramsFile is pure.
import type { ChutePlan, ProgramPlan } from '../../plan/types.js';
import { ParadropError, type Problem, ValidationError } from '../../errors.js';
import { writeDurable } from '../durable-file.js';
import { chuteLayout } from './layout.js';

/** Default size at which chute-init copies a log to NAME.log.1 and truncates it. */
export const DEFAULT_LOG_MAX_BYTES = 1024 * 1024;

export interface ProgramsFileOptions {
  logMaxBytes?: number;
}

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** One shell word that stands for exactly `s`: inside single quotes only `'` needs care. */
export function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function problemsOf(runtime: readonly ProgramPlan[]): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  runtime.forEach((p, i) => {
    const path = `runtime[${i}]`;
    if (!NAME_RE.test(p.name)) {
      problems.push({ code: 'FIELD_INVALID', path: `${path}.name`, value: p.name, expected: 'letters, digits, ".", "_", "-"',
        message: `${path}.name is ${JSON.stringify(p.name)}: expected letters, digits, ".", "_" or "-" (it names the log file)` });
    } else if (seen.has(p.name)) {
      problems.push({ code: 'FIELD_INVALID', path: `${path}.name`, value: p.name, expected: 'a unique name',
        message: `${path}.name ${JSON.stringify(p.name)} is used twice: expected each program to have its own name` });
    }
    seen.add(p.name);
    if (p.argv.length === 0 || p.argv[0] === '') {
      problems.push({ code: 'FIELD_MISSING', path: `${path}.argv`, value: p.argv, expected: 'a program',
        message: `${path}.argv is empty: expected a program and its arguments` });
    }
    p.argv.forEach((a, j) => {
      if (a.includes('\0')) {
        problems.push({ code: 'FIELD_INVALID', path: `${path}.argv[${j}]`, value: a, expected: 'no NUL byte',
          message: `${path}.argv[${j}] holds a NUL byte, which no program argument can carry` });
      }
    });
  });
  return problems;
}

export function toProgramsFile(chute: string, runtime: readonly ProgramPlan[], opts: ProgramsFileOptions = {}): string {
  const problems = problemsOf(runtime);
  if (problems.length > 0) throw new ValidationError(`Chute "${chute}" runtime`, problems);
  const logMax = opts.logMaxBytes ?? DEFAULT_LOG_MAX_BYTES;
  if (!Number.isInteger(logMax) || logMax < 1024) {
    throw new ParadropError('FIELD_INVALID', `Log size cap ${logMax} is too small`,
      { path: 'logMaxBytes', value: logMax, expected: 'an integer of at least 1024 bytes' });
  }
  const lines = [
    `# paradrop programs of chute ${JSON.stringify(chute).replace(/\n/g, ' ')}: sourced by chute-init. Generated; do not edit.`,
    `pd_log_max_bytes=${logMax}`,
    `pd_count=${runtime.length}`,
  ];
  runtime.forEach((p, idx) => {
    const i = idx + 1;
    lines.push('', `# ${i}: ${p.name} (${p.origin})`,
      `pd_name_${i}=${shellQuote(p.name)}`,
      `pd_prog_${i}=${shellQuote(p.argv[0] ?? '')}`,
      `pd_run_${i}() {`,
      `  exec ${p.argv.map(shellQuote).join(' ')}`,
      '}');
  });
  return lines.join('\n') + '\n';
}

/** Writes the programs file (read by chute-init at its start) next to the chute's disk. */
export async function writeProgramsFile(plan: ChutePlan, opts: ProgramsFileOptions = {}): Promise<void> {
  await writeDurable(chuteLayout(plan.dir).programsFile, toProgramsFile(plan.name, plan.runtime, opts), 0o644);
}
