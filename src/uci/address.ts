// Addresses `pkg[.section[.option]][=value]` as the uci CLI and delta files write them, and
// their lookup in a package, including libuci's extended section references:
// `@type[N]`, `@type[-N]` (from the end), `@[N]` (any type); N counts named sections too.
// Malformed references are "Invalid argument"; well-formed ones that match nothing simply do not
// resolve (the caller decides between "Entry not found" and creating the entry).
import { quote } from '../errors.js';
import type { UciOption, UciPackage, UciSection } from './model.js';
import { isValidName, isValidPackageName, isValidText, isValidType } from './names.js';
import { UciError } from './errors.js';

export interface UciPtr {
  package: string;
  section?: string;
  option?: string;
  value?: string;
  /** The section part is not a plain name, so it must be an `@type[N]` reference. */
  extended: boolean;
}

/** Splits `pkg.section.option=value` (value = everything after the first `=`). */
export function parsePtr(str: string): UciPtr {
  const bad = (expected: string): never => {
    throw new UciError('Parse error', `invalid UCI address ${quote(str)}: expected ${expected}`, {
      path: str,
      value: str,
      expected,
    });
  };
  const eq = str.indexOf('=');
  const left = eq < 0 ? str : str.slice(0, eq);
  const parts = left.split('.');
  if (parts.length > 3) bad('at most package.section.option');
  const ptr: UciPtr = { package: parts[0]!, extended: false };
  if (!isValidPackageName(ptr.package)) bad('a package name of letters, digits, _ and -');
  if (parts.length > 1) {
    ptr.section = parts[1]!;
    ptr.extended = !isValidName(ptr.section);
  }
  if (parts.length > 2) {
    ptr.option = parts[2]!;
    if (!isValidName(ptr.option)) bad('an option name of letters, digits and _');
  }
  if (eq >= 0) {
    ptr.value = str.slice(eq + 1);
    if (!isValidText(ptr.value)) bad('a value without control characters other than TAB, CR and LF');
  }
  return ptr;
}

/** strtol(s, &end, 10) followed by `*end == 0`: the integer, or null when anything is left over. */
function parseWholeInt(s: string): number | null {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  if (!m) return s.length === 0 ? 0 : null;
  return m[0].length === s.length ? Number.parseInt(m[1]!, 10) : null;
}

/**
 * Index of the section an `@type[N]` reference designates, -1 if out of range.
 * Throws "Invalid argument" for anything that is not such a reference.
 */
export function findExtendedSection(pkg: UciPackage, ref: string): number {
  const invalid = (): never => {
    throw new UciError('Invalid argument', `invalid section reference ${quote(`${pkg.name}.${ref}`)}: expected a name or @type[N]`, {
      path: `${pkg.name}.${ref}`,
      value: ref,
      expected: 'a section name, @type[N], @type[-N] or @[N]',
    });
  };
  if (!ref.startsWith('@')) return invalid();
  const open = ref.indexOf('[', 1);
  if (open < 0) return invalid();
  const close = ref.indexOf(']', open + 1);
  if (close < 0 || close !== ref.length - 1) return invalid();
  let idx = parseWholeInt(ref.slice(open + 1, close));
  if (idx === null) return invalid();
  const type = ref.slice(1, open);
  if (type !== '' && !isValidType(type)) return invalid();
  const sections = pkg.sections;
  if (idx < 0) {
    let count = 0;
    for (const s of sections) if (type === '' || s.type === type) count++;
    idx += count;
  }
  let c = 0;
  for (let i = 0; i < sections.length; i++) {
    if (type !== '' && sections[i]!.type !== type) continue;
    if (c === idx) return i;
    c++;
  }
  return -1;
}

export interface UciLookup {
  /** Real name of the section found (`cfgNNHHHH` for anonymous ones); the given name if not found. */
  sectionName?: string;
  sectionIndex: number;
  section?: UciSection;
  optionIndex: number;
  option?: UciOption;
  /** Everything the pointer names exists. */
  complete: boolean;
}

/** Resolves a pointer in `pkg` (whose name is not checked: the caller loaded it by ptr.package). */
export function lookupPtr(pkg: UciPackage, ptr: UciPtr): UciLookup {
  const out: UciLookup = { sectionIndex: -1, optionIndex: -1, complete: false };
  if (ptr.section === undefined) {
    out.complete = true;
    return out;
  }
  out.sectionName = ptr.section;
  const si = ptr.extended
    ? findExtendedSection(pkg, ptr.section)
    : pkg.sections.findIndex((s) => s.name === ptr.section);
  if (si < 0) return out;
  const section = pkg.sections[si]!;
  out.sectionIndex = si;
  out.section = section;
  out.sectionName = section.name;
  if (ptr.option === undefined) {
    out.complete = true;
    return out;
  }
  const oi = section.options.findIndex((o) => o.name === ptr.option);
  if (oi < 0) return out;
  out.optionIndex = oi;
  out.option = section.options[oi]!;
  out.complete = true;
  return out;
}

/** The "Entry not found" error for an address. */
export function notFound(path: string): UciError {
  return new UciError('Entry not found', `UCI entry ${quote(path)} not found`, { path, value: path, expected: 'an existing package, section or option' });
}

/** The "Invalid argument" error for an address or value. */
export function invalidArgument(path: string, expected: string, value: unknown = path): UciError {
  return new UciError('Invalid argument', `invalid argument for ${quote(path)}: expected ${expected}`, { path, value, expected });
}
