// The `uci show` and `uci get` text forms. show: `pkg.sec=type` and `pkg.sec.opt='value'` lines,
// every value quoted, anonymous sections as `@type[N]` (N counted per type over all sections,
// named ones included) unless internal names are asked for; showing a single section or option
// always uses the real name. get: raw values; list items quoted only when they hold whitespace.
import type { UciOption, UciPackage, UciSection } from './model.js';
import { escapeQuote, quoteValue } from './export.js';
import { lookupPtr, notFound, parsePtr } from './address.js';

export interface ShowOptions {
  /** `uci -X`: show `cfgNNHHHH` names instead of `@type[N]`. Default false. */
  internalNames?: boolean;
  /** `uci -d`: separator between list items. Default one space. */
  delimiter?: string;
}

function showValue(o: UciOption, delimiter: string): string {
  if (typeof o.value === 'string') return quoteValue(o.value);
  let out = '';
  for (let i = 0; i < o.value.length; i++) {
    if (i > 0) out += delimiter;
    out += quoteValue(o.value[i]!);
  }
  return out;
}

function showSectionAs(pkgName: string, ref: string, s: UciSection, delimiter: string): string {
  let out = `${pkgName}.${ref}=${s.type}\n`;
  for (const o of s.options) out += `${pkgName}.${ref}.${o.name}=${showValue(o, delimiter)}\n`;
  return out;
}

/**
 * `uci show <pkg>`, or `uci show <path>` when `path` (`pkg.section[.option]`, `@type[N]` allowed)
 * is given. Throws UciError "Entry not found" / "Invalid argument" / "Parse error" like the tool.
 */
export function showUci(pkg: UciPackage, opts: ShowOptions & { path?: string } = {}): string {
  if (opts.path !== undefined) {
    const ptr = parsePtr(opts.path);
    if (ptr.package !== pkg.name) throw notFound(opts.path);
    const lk = lookupPtr(pkg, ptr);
    if (!lk.complete) throw notFound(opts.path);
    if (lk.option) return showOption(pkg.name, lk.section!.name, lk.option, opts);
    if (lk.section) return showSection(pkg.name, lk.section, opts);
  }
  const delimiter = opts.delimiter ?? ' ';
  const perType = new Map<string, number>();
  let out = '';
  for (const s of pkg.sections) {
    const n = perType.get(s.type) ?? 0;
    perType.set(s.type, n + 1);
    const ref = s.anonymous && !opts.internalNames ? `@${s.type}[${n}]` : s.name;
    out += showSectionAs(pkg.name, ref, s, delimiter);
  }
  return out;
}

/** `uci show <pkg>.<section>`: always under the section's real name. */
export function showSection(pkgName: string, s: UciSection, opts: ShowOptions = {}): string {
  return showSectionAs(pkgName, s.name, s, opts.delimiter ?? ' ');
}

/** `uci show <pkg>.<section>.<option>`. */
export function showOption(pkgName: string, sectionName: string, o: UciOption, opts: ShowOptions = {}): string {
  return `${pkgName}.${sectionName}.${o.name}=${showValue(o, opts.delimiter ?? ' ')}\n`;
}

/** What `uci get` prints for an option: the raw value; list items quoted only around whitespace. */
export function formatGetValue(o: UciOption, delimiter = ' '): string {
  if (typeof o.value === 'string') return `${o.value}\n`;
  let out = '';
  for (let i = 0; i < o.value.length; i++) {
    const item = o.value[i]!;
    if (i > 0) out += delimiter;
    out += /[ \t\r\n]/.test(item) ? `'${escapeQuote(item)}'` : item;
  }
  return `${out}\n`;
}

/**
 * `uci get <path>` against a loaded package: the text uci prints (with its newline).
 * Throws UciError "Entry not found" / "Invalid argument" / "Parse error" like the tool.
 */
export function getUci(pkg: UciPackage, path: string, opts: { delimiter?: string } = {}): string {
  const ptr = parsePtr(path);
  if (ptr.package !== pkg.name) throw notFound(path);
  const lk = lookupPtr(pkg, ptr);
  if (!lk.complete) throw notFound(path);
  if (lk.option) return formatGetValue(lk.option, opts.delimiter ?? ' ');
  if (lk.section) return `${lk.section.type}\n`;
  return '';
}
