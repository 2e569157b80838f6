// Reading UCI options the way OpenWrt's daemons read them: booleans in their four spellings, enums
// as case-insensitive prefixes (fw4: target 'acc' is ACCEPT), list-typed options given as a plain
// `option` split on whitespace while `list` items are kept whole (vectors
// zone_networks_space_joined_option / _list_item), and fw4's way of naming a section in warnings.
// Pure.
import type { UciPackage, UciSection } from '../../uci/model.js';
import type { PortRange } from './model.js';

export function optionOf(s: UciSection, name: string): string | string[] | undefined {
  let found: string | string[] | undefined;
  for (const o of s.options) if (o.name === name) found = o.value;
  return found;
}

/** A scalar option; a list given where a scalar is expected yields its last item (libuci). */
export function str(s: UciSection, name: string): string | undefined {
  const v = optionOf(s, name);
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v[v.length - 1] : v;
}

/** A list-typed option: `list` items as they are, an `option` value split on whitespace. */
export function listOf(s: UciSection, name: string): string[] {
  const v = optionOf(s, name);
  if (v === undefined) return [];
  if (Array.isArray(v)) return [...v];
  return v.split(/[ \t\n]+/).filter((x) => x !== '');
}

/** true/false for the spellings fw4 and netifd accept, undefined for anything else. */
export function parseBool(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (['1', 'on', 'true', 'yes'].includes(value)) return true;
  if (['0', 'off', 'false', 'no'].includes(value)) return false;
  return undefined;
}

/** fw4's enum match: the first choice that starts with the value, ignoring case ('' is the first). */
export function parseEnum<T extends string>(value: string, choices: readonly T[]): T | undefined {
  const v = value.toLowerCase();
  return choices.find((c) => c.toLowerCase().startsWith(v));
}

/** `80`, `67-68` or `67:68`; undefined when it is not a port or range within 0..65535. */
export function parsePortRange(value: string): PortRange | undefined {
  const m = /^(\d{1,5})(?:[-:](\d{1,5}))?$/.exec(value);
  if (!m) return undefined;
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : Number(m[2]);
  if (min > 65535 || max > 65535 || min > max) return undefined;
  return { min, max };
}

/** How fw4 names a section in a warning: its name, or `@type[index]` when anonymous. */
export function sectionId(pkg: UciPackage, s: UciSection): string {
  if (!s.anonymous) return s.name;
  const index = pkg.sections.filter((x) => x.type === s.type).indexOf(s);
  return `@${s.type}[${index}]`;
}

/** `Section <id> (<name option>) <message>`, fw4's warning line without its `[!] `. */
export function sectionWarning(pkg: UciPackage, s: UciSection, message: string): string {
  const name = str(s, 'name');
  return `Section ${sectionId(pkg, s)}${name !== undefined ? ` (${name})` : ''} ${message}`;
}
