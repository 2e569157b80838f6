// Delta files (the save directory, `/tmp/.uci/<pkg>`): the line format, reading lines back with
// the config-file word rules, replaying them onto a package, and `uci changes` output.
// Replay follows libuci: a line that does not parse or does not apply is skipped silently and
// does not count as a change (so an invalid rename survives commit untouched).
import type { UciPackage } from './model.js';
import { quoteValue } from './export.js';
import { isValidName } from './names.js';
import { lookupPtr, parsePtr, type UciPtr } from './address.js';
import { UciReader } from './reader.js';
import { UciError } from './errors.js';
import {
  addListItem,
  delListItem,
  deleteEntry,
  renameEntry,
  reorderEntry,
  setValue,
  type DeltaCommand,
  type DeltaEntry,
} from './edit.js';

export type { DeltaCommand, DeltaEntry } from './edit.js';

const PREFIX: Record<DeltaCommand, string> = {
  change: '',
  add: '+',
  remove: '-',
  rename: '@',
  reorder: '^',
  list_add: '|',
  list_del: '~',
};

const COMMAND: Record<string, DeltaCommand> = {
  '+': 'add',
  '-': 'remove',
  '@': 'rename',
  '^': 'reorder',
  '|': 'list_add',
  '~': 'list_del',
};

function target(pkgName: string, e: DeltaEntry): string {
  return e.option === undefined ? `${pkgName}.${e.section}` : `${pkgName}.${e.section}.${e.option}`;
}

/** One delta line with its newline, e.g. `|network.lan.dns='8.8.8.8'\n`. */
export function formatDeltaLine(pkgName: string, e: DeltaEntry): string {
  const head = PREFIX[e.cmd] + target(pkgName, e);
  if (e.value === undefined) return `${head}\n`;
  return `${head}=${quoteValue(e.value)}\n`;
}

/** What `uci changes` prints for replayed entries. */
export function formatChanges(pkgName: string, entries: readonly DeltaEntry[]): string {
  let out = '';
  for (const e of entries) {
    if (e.cmd === 'remove') {
      out += `-${target(pkgName, e)}\n`;
      continue;
    }
    const op = e.cmd === 'list_add' ? '+=' : e.cmd === 'list_del' ? '-=' : '=';
    out += `${target(pkgName, e)}${op}${quoteValue(e.value ?? '')}\n`;
  }
  return out;
}

export interface DeltaLine {
  /** The exact text of the line (one or more physical lines when a quote spans lines). */
  raw: string;
  /** null when the line would be rejected on replay before touching the package. */
  entry: DeltaEntry | null;
  /** The package the line names (lines for another package are rejected on replay). */
  pkg: string | null;
}

/** Checks a parsed tuple the way libuci does before applying it. */
function toEntry(cmd: DeltaCommand, ptr: UciPtr): DeltaEntry | null {
  if (ptr.section === undefined || ptr.extended) return null;
  switch (cmd) {
    case 'reorder':
      if (ptr.value === undefined || ptr.option !== undefined) return null;
      break;
    case 'rename':
      if (ptr.value === undefined || !isValidName(ptr.value)) return null;
      break;
    case 'list_add':
    case 'list_del':
      if (ptr.option === undefined) return null;
      break;
    default:
      break;
  }
  const e: DeltaEntry = { cmd, section: ptr.section };
  if (ptr.option !== undefined) e.option = ptr.option;
  if (ptr.value !== undefined) e.value = ptr.value;
  return e;
}

/** Splits delta text into lines and parses each one. */
export function readDeltaLines(text: string): DeltaLine[] {
  const r = new UciReader(text, 'delta');
  const out: DeltaLine[] = [];
  let start = 0;
  while (r.nextLine()) {
    let entry: DeltaEntry | null = null;
    let pkg: string | null = null;
    try {
      const cmd = COMMAND[text[r.pos]!] ?? 'change';
      if (cmd !== 'change') r.pos++;
      const word = r.word();
      if (r.pos >= r.end) {
        const ptr = parsePtr(word);
        pkg = ptr.package;
        entry = toEntry(cmd, ptr);
      }
    } catch (err) {
      if (!(err instanceof UciError)) throw err;
      entry = null; // unparseable: skipped on replay, like libuci
    }
    const end = r.nextLineStart;
    out.push({ raw: text.slice(start, end), entry, pkg });
    start = end;
  }
  return out;
}

/** Applies one entry; false when libuci would reject it (nothing is changed then). */
export function applyDeltaEntry(pkg: UciPackage, e: DeltaEntry): boolean {
  const ptr: UciPtr = { package: pkg.name, section: e.section, extended: false };
  if (e.option !== undefined) ptr.option = e.option;
  if (e.value !== undefined) ptr.value = e.value;
  try {
    const lk = lookupPtr(pkg, ptr);
    switch (e.cmd) {
      case 'change':
        setValue(pkg, ptr, lk);
        break;
      case 'add': {
        setValue(pkg, ptr, lk);
        if (e.option === undefined) {
          const s = pkg.sections.find((x) => x.name === e.section);
          if (s) s.anonymous = true;
        }
        break;
      }
      case 'remove':
        deleteEntry(pkg, ptr, lk);
        break;
      case 'rename':
        renameEntry(pkg, ptr, lk);
        break;
      case 'reorder':
        reorderEntry(pkg, ptr, lk);
        break;
      case 'list_add':
        addListItem(pkg, ptr, lk);
        break;
      case 'list_del':
        delListItem(pkg, ptr, lk);
        break;
    }
    return true;
  } catch (err) {
    if (err instanceof UciError) return false;
    throw err;
  }
}

/** Replays a delta file onto `pkg`; returns the entries that applied, in order. */
export function applyDelta(pkg: UciPackage, deltaText: string): DeltaEntry[] {
  const applied: DeltaEntry[] = [];
  for (const line of readDeltaLines(deltaText)) {
    if (line.entry && line.pkg === pkg.name && applyDeltaEntry(pkg, line.entry)) applied.push(line.entry);
  }
  return applied;
}
