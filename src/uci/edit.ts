// The edits of `uci set/add/add_list/del_list/delete/rename/reorder` on a loaded package, with
// libuci's semantics; each returns the delta entry to record (null when nothing changed, e.g.
// setting the value an option already has). Replaying a delta file uses the same functions, so
// an edit and its replay cannot disagree.
// Preconditions: `lk` is lookupPtr(pkg, ptr). Errors are UciError like the tool's.
import type { UciPackage, UciSection } from './model.js';
import { anonymousName, isValidType } from './names.js';
import { invalidArgument, notFound, type UciLookup, type UciPtr } from './address.js';

export type DeltaCommand = 'change' | 'add' | 'remove' | 'rename' | 'reorder' | 'list_add' | 'list_del';

/** One line of a delta file: the command, the real section name, the option, the value. */
export interface DeltaEntry {
  cmd: DeltaCommand;
  section: string;
  option?: string;
  value?: string;
}

function pathOf(ptr: UciPtr): string {
  let p = ptr.package;
  if (ptr.section !== undefined) p += `.${ptr.section}`;
  if (ptr.option !== undefined) p += `.${ptr.option}`;
  return p;
}

function entry(cmd: DeltaCommand, section: string, option: string | undefined, value: string | undefined): DeltaEntry {
  const e: DeltaEntry = { cmd, section };
  if (option !== undefined) e.option = option;
  if (value !== undefined) e.value = value;
  return e;
}

/** Appends a section; counts it in the package's section counter (anonymous names use it). */
export function allocSection(pkg: UciPackage, type: string, name: string | null): UciSection {
  pkg.sectionCounter++;
  const s: UciSection = {
    type,
    name: name ?? anonymousName(pkg.sectionCounter, type),
    anonymous: name === null,
    options: [],
  };
  pkg.sections.push(s);
  return s;
}

/** `uci add <pkg> <type>`: a new anonymous section at the end. */
export function addSection(pkg: UciPackage, type: string): { section: UciSection; entry: DeltaEntry } {
  if (!isValidType(type)) throw invalidArgument(`${pkg.name}`, 'a section type of printable characters without spaces', type);
  const section = allocSection(pkg, type, null);
  return { section, entry: entry('add', section.name, undefined, type) };
}

/** `uci set`: option value, new named section, or section type; empty value deletes. */
export function setValue(pkg: UciPackage, ptr: UciPtr, lk: UciLookup): DeltaEntry | null {
  const path = pathOf(ptr);
  const value = ptr.value;
  if (value === undefined) throw invalidArgument(path, 'a value (pkg.section[.option]=value)');
  const s = lk.section;
  if (!s && !(ptr.option === undefined && ptr.section !== undefined)) throw invalidArgument(path, 'an existing section');
  if (ptr.option === undefined && value !== '' && !isValidType(value)) {
    throw invalidArgument(path, 'a section type of printable characters without spaces', value);
  }
  if (value === '') return lk.complete ? deleteEntry(pkg, ptr, lk) : null;
  if (!s) {
    // libuci would create a section literally named like the reference; such a name can never
    // be replayed, so refuse it here.
    if (ptr.extended) throw invalidArgument(path, 'an existing section or a plain section name');
    allocSection(pkg, value, ptr.section!);
    return entry('change', ptr.section!, undefined, value);
  }
  if (ptr.option !== undefined) {
    const o = lk.option;
    if (!o) {
      s.options.push({ name: ptr.option, value });
    } else {
      if (o.value === value) return null;
      s.options[lk.optionIndex] = { name: o.name, value };
    }
    return entry('change', s.name, ptr.option, value);
  }
  if (s.type === value) return null;
  s.type = value;
  return entry('change', s.name, undefined, value);
}

/** `uci add_list`: append an item; a plain option becomes a list with its old value first. */
export function addListItem(pkg: UciPackage, ptr: UciPtr, lk: UciLookup): DeltaEntry {
  const path = pathOf(ptr);
  const s = lk.section;
  if (!s) throw invalidArgument(path, 'an existing section');
  if (ptr.option === undefined) throw invalidArgument(path, 'an option name (pkg.section.option=value)');
  if (ptr.value === undefined) throw invalidArgument(path, 'a value (pkg.section.option=value)');
  const o = lk.option;
  if (!o) s.options.push({ name: ptr.option, value: [ptr.value] });
  else if (typeof o.value === 'string') s.options[lk.optionIndex] = { name: o.name, value: [o.value, ptr.value] };
  else o.value.push(ptr.value);
  return entry('list_add', s.name, ptr.option, ptr.value);
}

/** `uci del_list`: remove every item equal to the value (no-op unless the option is a list). */
export function delListItem(pkg: UciPackage, ptr: UciPtr, lk: UciLookup): DeltaEntry | null {
  const path = pathOf(ptr);
  const s = lk.section;
  if (!s) throw invalidArgument(path, 'an existing section');
  if (ptr.value === undefined) throw invalidArgument(path, 'a value (pkg.section.option=value)');
  const o = lk.option;
  if (!o || typeof o.value === 'string') return null;
  const v = ptr.value;
  o.value = o.value.filter((item) => item !== v);
  return entry('list_del', s.name, o.name, v);
}

/** sscanf("%d"): the leading integer, or null when there is none. */
export function scanInt(s: string): number | null {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(s);
  return m ? Number.parseInt(m[1]!, 10) : null;
}

/** `uci delete`: a section, an option, or (with `=N`) the N-th item of a list. */
export function deleteEntry(pkg: UciPackage, ptr: UciPtr, lk: UciLookup): DeltaEntry | null {
  const path = pathOf(ptr);
  if (!lk.complete) throw notFound(path);
  const s = lk.section;
  if (!s) throw invalidArgument(path, 'a section or option');
  const o = lk.option;
  if (o && Array.isArray(o.value) && ptr.value) {
    const index = scanInt(ptr.value);
    if (index === null) throw invalidArgument(path, 'a list index', ptr.value);
    if (index < 0 || index >= o.value.length) return null;
    o.value.splice(index, 1);
    return entry('remove', s.name, o.name, ptr.value);
  }
  if (o) s.options.splice(lk.optionIndex, 1);
  else pkg.sections.splice(lk.sectionIndex, 1);
  return entry('remove', s.name, o?.name, undefined);
}

/** `uci rename`: new name for a section (which stops being anonymous) or an option. Not validated, like uci. */
export function renameEntry(pkg: UciPackage, ptr: UciPtr, lk: UciLookup): DeltaEntry {
  const path = pathOf(ptr);
  const s = lk.section;
  if (!lk.complete || !s) throw notFound(path);
  if (ptr.value === undefined) throw invalidArgument(path, 'a new name (pkg.section[.option]=name)');
  const e = entry('rename', s.name, lk.option?.name, ptr.value);
  if (lk.option) {
    s.options[lk.optionIndex] = { name: ptr.value, value: lk.option.value };
  } else {
    s.name = ptr.value;
    s.anonymous = false;
  }
  return e;
}

/** strtoul: leading digits (a minus sign wraps around, i.e. "very far"), 0 without digits. */
function scanUnsigned(s: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)/.exec(s);
  if (!m) return 0;
  const n = Number.parseInt(m[2]!, 10);
  return m[1] === '-' && n !== 0 ? Number.MAX_SAFE_INTEGER : n;
}

/** `uci reorder pkg.section=N`: move the section to index N (past the end: last). */
export function reorderEntry(pkg: UciPackage, ptr: UciPtr, lk: UciLookup): DeltaEntry {
  const path = pathOf(ptr);
  const s = lk.section;
  if (!s || ptr.option !== undefined) throw notFound(path);
  if (ptr.value === undefined) throw invalidArgument(path, 'a position (pkg.section=N)');
  const pos = scanUnsigned(ptr.value);
  pkg.sections.splice(lk.sectionIndex, 1);
  pkg.sections.splice(Math.min(pos, pkg.sections.length), 0, s);
  return entry('reorder', s.name, undefined, String(pos));
}
