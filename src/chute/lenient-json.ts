// Reads the JSON of a chute part leniently, because users paste the chapter's figures: JSON5
// (comments, single quotes, trailing commas, unquoted keys, NaN/Infinity — the validators reject
// the latter two). A fragment whose outer braces or brackets were cut, as in the chapter's figures
// ("disk": {...}, "net": {...} or {...}, {...}), is accepted when wrapping it in { } or [ ] makes it
// parse, with a note saying so. Pure.
// Duplicate keys are an error (JSON_SYNTAX): json5 would keep the last one silently, and a second
// "wifi" interface or "cpu" that vanishes without a word is worse than a clear message.
// A syntax error names the file, line and column, and the brackets left open when the text ends.
import JSON5 from 'json5';
import { ParadropError } from '../errors.js';
import { type Position, scanJson5 } from './json-scan.js';

export type Shape = 'object' | 'array';

export interface LenientResult {
  value: unknown;
  notes: string[];
}

const EXPECTED = 'JSON (comments, single quotes, trailing commas and unquoted keys are fine)';
const WRAP: Record<Shape, [string, string]> = { object: ['{', '}'], array: ['[', ']'] };

interface Failure extends Position {
  reason: string;
  shape?: Shape;
}

function tryParse(text: string, shape?: Shape): { ok: true; value: unknown } | { ok: false; failure: Failure } {
  const source = shape ? `${WRAP[shape][0]}${text}\n${WRAP[shape][1]}` : text;
  try {
    return { ok: true, value: JSON5.parse(source) as unknown };
  } catch (err) {
    const e = err as SyntaxError & { lineNumber?: number; columnNumber?: number };
    const line = e.lineNumber ?? 1;
    // The wrapper's opening bracket shifts the first line by one column.
    let column = e.columnNumber ?? 1;
    if (shape && line === 1) column = Math.max(1, column - 1);
    const lines = text.split('\n');
    if (shape && line > lines.length) {
      // Past the wrapper's closing bracket: the end of the user's text.
      return { ok: false, failure: { reason: 'invalid end of input', line: lines.length, column: lines[lines.length - 1]!.length + 1, shape } };
    }
    const reason = String(e.message).replace(/^JSON5: /, '').replace(/ at \d+:\d+$/, '');
    if (column === 0 && line > 1) {
      // json5 puts a bad newline at column 0 of the next line; it ends the previous one.
      return { ok: false, failure: { reason, line: line - 1, column: lines[line - 2]!.length + 1, ...(shape ? { shape } : {}) } };
    }
    return { ok: false, failure: { reason, line, column, ...(shape ? { shape } : {}) } };
  }
}

function isAfter(a: Position, b: Position): boolean {
  return a.line > b.line || (a.line === b.line && a.column > b.column);
}

/**
 * Parses `text`, the content of `file` (named in errors). `expect` is the shape the part should
 * have; it decides which wrapping is tried first.
 */
export function parseLenientJson(text: string, file: string, expect?: Shape): LenientResult {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const first = tryParse(body);
  if (first.ok) {
    checkDuplicates(body, file);
    return { value: first.value, notes: [] };
  }
  const shapes: Shape[] = expect === 'array' ? ['array', 'object'] : ['object', 'array'];
  let furthest = first.failure;
  for (const shape of shapes) {
    const r = tryParse(body, shape);
    if (r.ok) {
      checkDuplicates(body, file, shape);
      const [open, close] = WRAP[shape];
      const empty = Object.keys(r.value as object).length === 0;
      const what = empty ? 'an empty file' : `${shape === 'object' ? 'an object' : 'a list'} fragment`;
      return { value: r.value, notes: [`${file}: read as ${what} inside ${open} ${close}`] };
    }
    if (isAfter(r.failure, furthest)) furthest = r.failure;
  }
  throw syntaxError(body, file, furthest);
}

function syntaxError(text: string, file: string, f: Failure): ParadropError {
  let hint = '';
  if (f.reason === 'invalid end of input') {
    const { open } = scanJson5(text, f.shape);
    const last = open[open.length - 1];
    if (last) hint = ` (the ${JSON.stringify(last.char)} at line ${last.line}, column ${last.column} is never closed)`;
  }
  const wrapped = f.shape ? ` (read as a fragment inside ${WRAP[f.shape].join(' ')})` : '';
  return new ParadropError('JSON_SYNTAX', `${file}:${f.line}:${f.column}: ${f.reason}${hint}${wrapped}`, {
    path: file,
    value: { line: f.line, column: f.column },
    expected: EXPECTED,
  });
}

function checkDuplicates(text: string, file: string, implicit?: Shape): void {
  const dup = scanJson5(text, implicit).duplicates[0];
  if (!dup) return;
  const where = dup.parent === '' ? '' : ` in ${dup.parent}`;
  throw new ParadropError('JSON_SYNTAX',
    `${file}:${dup.line}:${dup.column}: duplicate key ${JSON.stringify(dup.key)}${where} (first at line ${dup.first.line}, column ${dup.first.column}); JSON would silently keep only the last one`,
    { path: file, value: dup.key, expected: 'each key once per object' });
}
