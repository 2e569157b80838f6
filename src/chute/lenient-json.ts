// Reads the JSON of a chute part leniently, because users paste the chapter's figures: JSON5
// (comments, single quotes, trailing commas, unquoted keys, NaN/Infinity — the validators reject
// the latter two). A fragment whose outer braces or brackets were cut, as in the chapter's figures
// ("disk": {...}, "net": {...} or {...}, {...}), is accepted when reading it as the inside of
// { } or [ ] makes it parse, with a note saying so. Pure.
// Duplicate keys are an error (JSON_SYNTAX): JSON.parse would keep the last one silently, and a
// second "wifi" interface or "cpu" that vanishes without a word is worse than a clear message.
// Every duplicate of a text is reported, not only the first.
// A syntax error names the file, line and column, and the brackets left open when the text ends.
// When no reading parses, the error shown is the one that got furthest (the plain reading first on
// a tie), because that is where the user's text most likely breaks.
// readLenientJson returns the problems; parseLenientJson throws them (one: a ParadropError
// JSON_SYNTAX; several: a ValidationError holding them).
import { ParadropError, type Problem, ValidationError } from '../errors.js';
import { type DuplicateKey, type LenientParse, type Position, parseLenientText } from './json-lenient-parser.js';

export type Shape = 'object' | 'array';

export interface LenientResult {
  value: unknown;
  notes: string[];
}

const EXPECTED = 'JSON (comments, single quotes, trailing commas and unquoted keys are fine)';
const WRAP: Record<Shape, [string, string]> = { object: ['{', '}'], array: ['[', ']'] };

type Failure = Extract<LenientParse, { ok: false }> & { shape?: Shape };

function isAfter(a: Position, b: Position): boolean {
  return a.line > b.line || (a.line === b.line && a.column > b.column);
}

export type LenientRead = ({ ok: true } & LenientResult) | { ok: false; problems: Problem[] };

/**
 * Parses `text`, the content of `file` (named in problems). `expect` is the shape the part should
 * have; it decides which wrapping is tried first.
 */
export function readLenientJson(text: string, file: string, expect?: Shape): LenientRead {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const first = parseLenientText(body);
  if (first.ok) {
    const dups = duplicateProblems(first.duplicates, file);
    return dups.length > 0 ? { ok: false, problems: dups } : { ok: true, value: first.value, notes: [] };
  }
  const shapes: Shape[] = expect === 'array' ? ['array', 'object'] : ['object', 'array'];
  let furthest: Failure = first;
  for (const shape of shapes) {
    const r = parseLenientText(body, shape);
    if (r.ok) {
      const dups = duplicateProblems(r.duplicates, file);
      if (dups.length > 0) return { ok: false, problems: dups };
      const [open, close] = WRAP[shape];
      const empty = Object.keys(r.value as object).length === 0;
      const what = empty ? 'an empty file' : `${shape === 'object' ? 'an object' : 'a list'} fragment`;
      return { ok: true, value: r.value, notes: [`${file}: read as ${what} inside ${open} ${close}`] };
    }
    if (isAfter(r, furthest)) furthest = { ...r, shape };
  }
  return { ok: false, problems: [syntaxProblem(file, furthest)] };
}

/** readLenientJson, throwing its problems. */
export function parseLenientJson(text: string, file: string, expect?: Shape): LenientResult {
  const r = readLenientJson(text, file, expect);
  if (r.ok) return { value: r.value, notes: r.notes };
  throw problemsError(file, r.problems);
}

/** One problem as its own ParadropError (its message names the file); several as a ValidationError. */
export function problemsError(subject: string, problems: readonly Problem[]): ParadropError {
  if (problems.length === 1) {
    const p = problems[0]!;
    return new ParadropError(p.code, p.message, {
      path: p.path, ...(p.value === undefined ? {} : { value: p.value }), ...(p.expected === undefined ? {} : { expected: p.expected }),
    });
  }
  return new ValidationError(subject, problems);
}

function syntaxProblem(file: string, f: Failure): Problem {
  let hint = '';
  const last = f.open[f.open.length - 1];
  if (f.reason === 'invalid end of input' && last) {
    hint = ` (the ${JSON.stringify(last.char)} at line ${last.line}, column ${last.column} is never closed)`;
  }
  const wrapped = f.shape ? ` (read as a fragment inside ${WRAP[f.shape].join(' ')})` : '';
  return {
    code: 'JSON_SYNTAX',
    path: file,
    message: `${file}:${f.line}:${f.column}: ${f.reason}${hint}${wrapped}`,
    value: { line: f.line, column: f.column },
    expected: EXPECTED,
  };
}

function duplicateProblems(duplicates: readonly DuplicateKey[], file: string): Problem[] {
  return duplicates.map((dup) => {
    const where = dup.parent === '' ? '' : ` in ${dup.parent}`;
    return {
      code: 'JSON_SYNTAX',
      path: file,
      message: `${file}:${dup.line}:${dup.column}: duplicate key ${JSON.stringify(dup.key)}${where} (first at line ${dup.first.line}, column ${dup.first.column}); JSON would silently keep only the last one`,
      value: dup.key,
      expected: 'each key once per object',
    };
  });
}
