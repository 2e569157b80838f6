// Checking and comparing the sections paradrop wants (UciSectionSpec) against what a file holds.
// Normal form of a spec, as uci would store it: an option with an empty value or a list with no
// items does not exist (uci drops `option x ''` while loading and `set x=''` deletes), so such
// options are left out; everything else must be representable or the whole list of problems is
// thrown at once.
import { ValidationError, quote, type Problem } from '../errors.js';
import type { UciOption, UciSection, UciSectionSpec } from './model.js';
import { isValidName, isValidType } from './names.js';

/** Decides which sections are paradrop's (typically: the name starts with `pd_`). */
export type OwnershipTest = (s: { type: string; name: string; anonymous: boolean }) => boolean;

function valueHasNul(v: string | string[]): boolean {
  return typeof v === 'string' ? v.includes('\0') : v.some((x) => x.includes('\0'));
}

/**
 * Validates `desired` and returns it in normal form, keyed by name in the given order.
 * `extraCheck` may add problems for a value (diffToBatch refuses control characters).
 */
export function normalizeSpecs(
  pkgName: string,
  desired: readonly UciSectionSpec[],
  isOwned: OwnershipTest,
  extraCheck?: (path: string, value: string) => Problem | null,
): Map<string, UciSectionSpec> {
  const problems: Problem[] = [];
  const out = new Map<string, UciSectionSpec>();
  const add = (path: string, value: unknown, expected: string, what: string) =>
    problems.push({ code: 'FIELD_INVALID', path, value, expected, message: `${path}: ${what} ${quote(value)} (expected ${expected})` });
  for (const spec of desired) {
    const path = `${pkgName}.${spec.name}`;
    if (!isValidName(spec.name)) add(path, spec.name, 'letters, digits and _', 'invalid section name');
    if (!isValidType(spec.type)) add(path, spec.type, 'printable ASCII without spaces', 'invalid section type');
    if (out.has(spec.name)) add(path, spec.name, 'each section once', 'duplicate section');
    if (isValidName(spec.name) && !isOwned({ type: spec.type, name: spec.name, anonymous: false })) {
      add(path, spec.name, "a name marking the section as paradrop's", 'section not owned by paradrop:');
    }
    const seen = new Set<string>();
    const options: UciOption[] = [];
    for (const o of spec.options) {
      const opath = `${path}.${o.name}`;
      if (!isValidName(o.name)) add(opath, o.name, 'letters, digits and _', 'invalid option name');
      if (seen.has(o.name)) add(opath, o.name, 'each option once', 'duplicate option');
      seen.add(o.name);
      if (valueHasNul(o.value)) add(opath, o.value, 'no NUL characters', 'invalid value');
      if (extraCheck) {
        for (const v of typeof o.value === 'string' ? [o.value] : o.value) {
          const p = extraCheck(opath, v);
          if (p) problems.push(p);
        }
      }
      if (typeof o.value === 'string' ? o.value === '' : o.value.length === 0) continue;
      options.push({ name: o.name, value: typeof o.value === 'string' ? o.value : [...o.value] });
    }
    if (!out.has(spec.name)) out.set(spec.name, { type: spec.type, name: spec.name, options });
  }
  if (problems.length > 0) throw new ValidationError(`UCI sections for ${pkgName}`, problems);
  return out;
}

export function optionsEqual(a: readonly UciOption[], b: readonly UciOption[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.name !== b[i]!.name || !valuesEqual(a[i]!.value, b[i]!.value)) return false;
  }
  return true;
}

export function valuesEqual(a: string | string[], b: string | string[]): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The section is exactly the (normalized) spec: named, same type, same options in order. */
export function sectionMatches(s: UciSection, spec: UciSectionSpec): boolean {
  return !s.anonymous && s.name === spec.name && s.type === spec.type && optionsEqual(s.options, spec.options);
}
