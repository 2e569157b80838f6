// The `uci batch` commands that turn paradrop's sections of a package into the desired ones, for
// OpenWrt where writes go through the real uci tool. Non-owned sections are never named in a
// command. Values are single-quoted (`'` as `'\''`), which uci batch reads back exactly,
// newlines included.
// Result: every desired section exists with the same type and the same options in the same
// order, and no other owned section remains. A section is edited in place when its kept options
// are already in the desired order (new options can only be appended); otherwise it is deleted
// and re-created, which moves it to the end of the package.
import { quote, type Problem } from '../errors.js';
import type { UciOption, UciPackage, UciSection, UciSectionSpec } from './model.js';
import { escapeQuote } from './export.js';
import { isValidText } from './names.js';
import { UciError } from './errors.js';
import { normalizeSpecs, sectionMatches, valuesEqual, type OwnershipTest } from './section-spec.js';

function q(v: string): string {
  return `'${escapeQuote(v)}'`;
}

/** uci's CLI refuses control characters other than TAB, CR and LF in values. */
function checkCliValue(path: string, value: string): Problem | null {
  if (isValidText(value)) return null;
  return {
    code: 'FIELD_INVALID',
    path,
    value,
    expected: 'no control characters other than TAB, CR and LF',
    message: `${path}: value ${quote(value)} holds control characters the uci tool refuses (expected none other than TAB, CR and LF)`,
  };
}

function createSection(p: string, spec: UciSectionSpec): string[] {
  const base = `${p}.${spec.name}`;
  const out = [`set ${base}=${q(spec.type)}`];
  for (const o of spec.options) out.push(...setOption(base, o));
  return out;
}

function setOption(base: string, o: UciOption): string[] {
  if (typeof o.value === 'string') return [`set ${base}.${o.name}=${q(o.value)}`];
  return o.value.map((v) => `add_list ${base}.${o.name}=${q(v)}`);
}

/** Commands changing `s` into `spec` in place, or null when that cannot keep the option order. */
function updateSection(p: string, s: UciSection, spec: UciSectionSpec): string[] | null {
  const base = `${p}.${spec.name}`;
  const cur = new Map(s.options.map((o) => [o.name, o]));
  const want = new Set(spec.options.map((o) => o.name));
  const keptCur = s.options.filter((o) => want.has(o.name)).map((o) => o.name);
  const keptWant = spec.options.filter((o) => cur.has(o.name)).map((o) => o.name);
  if (keptCur.join('\0') !== keptWant.join('\0')) return null;
  const lastKept = spec.options.reduce((m, o, i) => (cur.has(o.name) ? i : m), -1);
  if (spec.options.some((o, i) => !cur.has(o.name) && i < lastKept)) return null;

  const out: string[] = [];
  if (s.type !== spec.type) out.push(`set ${base}=${q(spec.type)}`);
  for (const o of s.options) if (!want.has(o.name)) out.push(`delete ${base}.${o.name}`);
  for (const o of spec.options) {
    const c = cur.get(o.name);
    if (!c) {
      out.push(...setOption(base, o));
      continue;
    }
    if (valuesEqual(c.value, o.value)) continue;
    const path = `${base}.${o.name}`;
    if (typeof o.value === 'string') {
      out.push(`set ${path}=${q(o.value)}`); // replaces a list in place too
      continue;
    }
    const items = o.value;
    if (Array.isArray(c.value)) {
      const old = c.value;
      if (old.length < items.length && old.every((v, i) => v === items[i])) {
        for (const v of items.slice(old.length)) out.push(`add_list ${path}=${q(v)}`);
        continue;
      }
      // Emptying the list keeps the option where it is; then refill it.
      for (const v of new Set(old)) out.push(`del_list ${path}=${q(v)}`);
      for (const v of items) out.push(`add_list ${path}=${q(v)}`);
      continue;
    }
    // A plain option becoming a list: add_list converts it in place, old value first.
    if (items[0] === c.value) {
      if (items.length === 1) return null;
    } else {
      out.push(`add_list ${path}=${q(items[0]!)}`, `del_list ${path}=${q(c.value)}`);
    }
    for (const v of items.slice(1)) out.push(`add_list ${path}=${q(v)}`);
  }
  return out;
}

/**
 * `uci batch` lines (without newlines) that make the owned sections of `current` equal `desired`.
 * Throws ValidationError for invalid or unowned desired sections or values uci refuses, and
 * UciError when a desired name is taken by a section that is not owned.
 */
export function diffToBatch(current: UciPackage, pkgName: string, desired: readonly UciSectionSpec[], isOwned: OwnershipTest): string[] {
  const specs = normalizeSpecs(pkgName, desired, isOwned, checkCliValue);
  const out: string[] = [];
  const existing = new Map<string, UciSection>();
  for (const s of current.sections) {
    const owned = isOwned({ type: s.type, name: s.name, anonymous: s.anonymous });
    if (!owned) {
      if (specs.has(s.name)) {
        const path = `${pkgName}.${s.name}`;
        throw new UciError('Invalid argument', `section ${quote(path)} exists and is not paradrop's; refusing to overwrite it`, {
          path,
          value: s.name,
          expected: 'a section name not used by anything else',
        });
      }
      continue;
    }
    if (s.anonymous || !specs.has(s.name)) out.push(`delete ${pkgName}.${s.name}`);
    else if (!existing.has(s.name)) existing.set(s.name, s);
  }
  for (const spec of specs.values()) {
    const s = existing.get(spec.name);
    if (!s) {
      out.push(...createSection(pkgName, spec));
    } else if (!sectionMatches(s, spec)) {
      out.push(...(updateSection(pkgName, s, spec) ?? [`delete ${pkgName}.${spec.name}`, ...createSection(pkgName, spec)]));
    }
  }
  return out;
}
