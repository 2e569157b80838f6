// Collects validation problems in the order they are found, and renders JSON paths and values for
// messages. Every message is `PATH: sentence`, naming the value and what was expected, so a user
// can fix a chute from the message alone. Order is the traversal order of the input, which is
// stable for a given input.
import type { ErrorCode, Problem } from '../errors.js';

/** Values longer than this are cut in messages: hostile input must not flood a terminal. */
const MAX_SHOWN = 72;

export class ProblemList {
  readonly items: Problem[] = [];
  readonly notes: string[] = [];

  /** Adds a problem whose message is `path: text`. */
  add(code: ErrorCode, path: string, text: string, extra: { value?: unknown; expected?: string } = {}): void {
    const problem: Problem = { code, path, message: `${path === '' ? 'chute' : path}: ${text}` };
    if (extra.value !== undefined) problem.value = extra.value;
    if (extra.expected !== undefined) problem.expected = extra.expected;
    this.items.push(problem);
  }

  /** Adds a problem whose message names a different path than the one it points at. */
  addAt(code: ErrorCode, path: string, shownPath: string, text: string,
    extra: { value?: unknown; expected?: string } = {}): void {
    this.add(code, shownPath, text, extra);
    this.items[this.items.length - 1]!.path = path;
  }

  invalid(path: string, value: unknown, text: string, expected?: string): void {
    this.add('FIELD_INVALID', path, text, { value, ...(expected === undefined ? {} : { expected }) });
  }

  get count(): number {
    return this.items.length;
  }
}

const IDENT = /^[A-Za-z_$][\w$-]*$/;

/** `base.key`, or `base["odd key"]` when the key is not a plain name. */
export function joinPath(base: string, key: string): string {
  const part = IDENT.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (base === '') return part;
  return part.startsWith('[') ? `${base}${part}` : `${base}.${part}`;
}

export function indexPath(base: string, i: number): string {
  return `${base}[${i}]`;
}

/** A value as a user would type it, shortened when long. */
export function show(value: unknown): string {
  let text: string;
  if (typeof value === 'number') {
    text = Number.isNaN(value) ? 'NaN' : Number.isFinite(value) ? String(value) : (value > 0 ? 'Infinity' : '-Infinity');
  } else if (typeof value === 'string') {
    text = JSON.stringify(value);
  } else if (value === undefined) {
    text = 'nothing';
  } else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}

/** What kind of JSON value this is, for "must be a string, not a list" messages. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string': return 'a string';
    case 'number': return Number.isFinite(value) ? 'a number' : show(value);
    case 'boolean': return value ? 'true' : 'false';
    case 'object': return 'an object';
    default: return typeof value;
  }
}
