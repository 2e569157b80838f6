// Shape checks shared by the part validators: object/list/string expectations, unknown fields with
// a did-you-mean, required fields. Reads only own properties (Object.hasOwn), so keys such as
// "__proto__" or "constructor" in hostile input are plain unknown fields, never the prototype's.
import { didYouMean, suggest } from './suggest.js';
import { type ProblemList, describeType, joinPath, show } from './problems.js';
import { isMacro, reportBadMacro } from './macros.js';

export type Obj = Record<string, unknown>;

export function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The own property `key`, never one inherited from Object.prototype. */
export function own(obj: Obj, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

export function has(obj: Obj, key: string): boolean {
  return Object.hasOwn(obj, key) && obj[key] !== undefined;
}

function typeClause(value: unknown): string {
  const t = describeType(value);
  const scalar = typeof value === 'number' || typeof value === 'string';
  return scalar && (typeof value !== 'number' || Number.isFinite(value)) ? `${t} (${show(value)})` : t;
}

/** `must be X, not a list` — for a value of the wrong JSON type. */
export function wrongType(problems: ProblemList, path: string, value: unknown, expected: string): void {
  problems.invalid(path, value, `must be ${expected}, not ${typeClause(value)}`, expected);
}

export function expectObject(value: unknown, path: string, problems: ProblemList, what = 'an object'): Obj | undefined {
  if (isObject(value)) return value;
  wrongType(problems, path, value, what);
  return undefined;
}

export function expectList(value: unknown, path: string, problems: ProblemList, what = 'a list'): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  wrongType(problems, path, value, what);
  return undefined;
}

const CONTROL = /[\u0000-\u001f\u007f]/;

export function hasControl(text: string): boolean {
  return CONTROL.test(text);
}

export interface StringRule {
  /** Longest accepted length, in characters. */
  max?: number;
  /** Reject control characters (newlines would break UCI and LXC config lines). */
  plain?: boolean;
}

/** A non-empty string, or a problem. */
export function expectString(value: unknown, path: string, problems: ProblemList, rule: StringRule = {}): string | undefined {
  if (typeof value !== 'string') {
    wrongType(problems, path, value, 'a string');
    return undefined;
  }
  if (value.length === 0) {
    problems.invalid(path, value, 'must not be empty', 'a non-empty string');
    return undefined;
  }
  if (rule.max !== undefined && value.length > rule.max) {
    problems.invalid(path, value, `${show(value)} is too long (${value.length} characters; at most ${rule.max})`,
      `at most ${rule.max} characters`);
    return undefined;
  }
  if (rule.plain && hasControl(value)) {
    problems.invalid(path, value, `${show(value)} contains a control character (newline, tab, NUL...)`,
      'printable text');
    return undefined;
  }
  return value;
}

/** Known field name -> the misspelt key that suggested it (`sha1` -> `shal`). */
export type Suggested = ReadonlyMap<string, string>;

/**
 * Reports every key of `obj` not in `known`, with a did-you-mean. Returns the known names that
 * were suggested: a required field suggested for a misspelt key is not also reported missing
 * (`shal` gives one problem, not two).
 */
export function checkFields(obj: Obj, path: string, known: readonly string[], problems: ProblemList): Suggested {
  const suggested = new Map<string, string>();
  for (const key of Object.keys(obj)) {
    if (known.includes(key)) continue;
    const s = suggest(key, known);
    if (s !== undefined && !suggested.has(s)) suggested.set(s, key);
    const hint = s !== undefined ? didYouMean(key, known) : ` (expected one of: ${known.join(', ')})`;
    problems.addAt('FIELD_UNKNOWN', joinPath(path, key), path, `unknown field ${show(key)}${hint}`,
      { value: key, expected: known.join(', ') });
  }
  return suggested;
}

/** The value of a required field, or a FIELD_MISSING problem (unless a misspelling was reported). */
export function requireField(obj: Obj, key: string, path: string, problems: ProblemList,
  suggested: Suggested, expected: string): unknown {
  if (has(obj, key)) return obj[key];
  if (!suggested.has(key)) {
    problems.addAt('FIELD_MISSING', joinPath(path, key), path, `missing field ${show(key)} (expected ${expected})`,
      { expected });
  }
  return undefined;
}

export interface IntegerRule {
  min: number;
  max: number;
  /** Completes "must be …": `a positive number of kbps`. */
  describe: string;
}

/**
 * A whole number within [min, max]. NaN and Infinity (which JSON5 accepts) and numbers past
 * Number.MAX_SAFE_INTEGER are rejected like any other out-of-range value.
 */
export function expectInteger(value: unknown, path: string, problems: ProblemList, rule: IntegerRule): number | undefined {
  const expected = `${rule.describe} (${rule.min}..${rule.max})`;
  if (typeof value === 'string' && isMacro(value)) {
    reportBadMacro(problems, path, value, []);
    return undefined;
  }
  if (typeof value !== 'number') {
    wrongType(problems, path, value, rule.describe);
    return undefined;
  }
  if (!Number.isFinite(value) || value < rule.min) {
    problems.invalid(path, value, `must be ${rule.describe} (got ${show(value)})`, expected);
    return undefined;
  }
  if (value > rule.max) {
    problems.invalid(path, value, `${show(value)} is too large (expected at most ${rule.max})`, expected);
    return undefined;
  }
  if (!Number.isInteger(value)) {
    problems.invalid(path, value, `must be ${rule.describe} (got ${show(value)}, not a whole number)`, expected);
    return undefined;
  }
  return value;
}
