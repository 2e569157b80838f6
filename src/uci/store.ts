// Where packages and their pending changes live, as an interface, and the operations that need
// both: load (parse the file, replay deltas), save (append delta lines), commit, revert.
// The uci-compatible CLI and `uci batch` run on any store: the file system (store-fs.ts) or
// memory (tests, dry runs). Pure apart from what the store does.
import type { UciPackage } from './model.js';
import { isValidPackageName } from './names.js';
import { parseUci } from './parse.js';
import { exportUciBody } from './export.js';
import { applyDelta, formatDeltaLine, readDeltaLines, type DeltaEntry } from './delta.js';
import { invalidArgument, notFound } from './address.js';

export interface UciStore {
  /** The config file's text, null when there is no such package. */
  readConfig(pkg: string): string | null;
  /** Replaces the config file (atomically, for a file store). */
  writeConfig(pkg: string, text: string): void;
  /** The save directory's delta file, null when it does not exist. */
  readDelta(pkg: string): string | null;
  appendDelta(pkg: string, text: string): void;
  /** Rewrites the delta file ('' truncates it; it is not removed). */
  writeDelta(pkg: string, text: string): void;
  /** Package names in the config directory, sorted. */
  listPackages(): string[];
  /** Read-only delta files replayed before the save directory's (`uci -p DIR`). */
  readExtraDeltas?(pkg: string): string[];
}

export interface LoadedPackage {
  pkg: UciPackage;
  /** Delta entries that applied while loading (what `uci changes` lists). */
  changes: DeltaEntry[];
}

export function checkPackageName(name: string): void {
  if (!isValidPackageName(name)) throw invalidArgument(name, 'a package name of letters, digits, _ and -');
}

/** Loads a package as uci sees it: file, then every delta source in order. */
export function loadPackage(store: UciStore, name: string, opts: { strict?: boolean } = {}): LoadedPackage {
  checkPackageName(name);
  const text = store.readConfig(name);
  if (text === null) throw notFound(name);
  const pkg = parseUci(text, name, opts);
  const changes: DeltaEntry[] = [];
  for (const extra of store.readExtraDeltas?.(name) ?? []) changes.push(...applyDelta(pkg, extra));
  const saved = store.readDelta(name);
  if (saved !== null) changes.push(...applyDelta(pkg, saved));
  return { pkg, changes };
}

/** Records edits in the save directory (nothing is written for no entries). */
export function saveChanges(store: UciStore, pkgName: string, entries: readonly DeltaEntry[]): void {
  if (entries.length === 0) return;
  store.appendDelta(pkgName, entries.map((e) => formatDeltaLine(pkgName, e)).join(''));
}

/**
 * `uci commit <pkg>`: when at least one delta line applies, writes the merged package in export
 * format and truncates the save-dir delta file; otherwise leaves both untouched (the file keeps
 * its comments and formatting). Returns whether the file was rewritten.
 */
export function commitPackage(store: UciStore, name: string, opts: { strict?: boolean } = {}): boolean {
  const { pkg, changes } = loadPackage(store, name, opts);
  if (changes.length === 0) return false;
  store.writeConfig(name, exportUciBody(pkg));
  if (store.readDelta(name) !== null) store.writeDelta(name, '');
  return true;
}

/**
 * `uci revert`: drops the delta lines for `section` (all of the package's when undefined),
 * narrowed to `option` when given. Lines that cannot be parsed are dropped as well.
 */
export function revertChanges(store: UciStore, pkgName: string, section?: string, option?: string): void {
  const text = store.readDelta(pkgName);
  if (text === null) return;
  let kept = '';
  for (const line of readDeltaLines(text)) {
    const e = line.entry;
    if (!e) continue;
    if (section === undefined) continue;
    if (e.section !== section || (option !== undefined && e.option !== option)) kept += line.raw;
  }
  store.writeDelta(pkgName, kept);
}

/** A store held in memory: `configs` and `deltas` by package name. */
export class MemoryUciStore implements UciStore {
  readonly configs = new Map<string, string>();
  readonly deltas = new Map<string, string>();
  readonly extraDeltas = new Map<string, string[]>();

  constructor(configs: Record<string, string> = {}) {
    for (const [k, v] of Object.entries(configs)) this.configs.set(k, v);
  }

  readConfig(pkg: string): string | null {
    return this.configs.get(pkg) ?? null;
  }
  writeConfig(pkg: string, text: string): void {
    this.configs.set(pkg, text);
  }
  readDelta(pkg: string): string | null {
    return this.deltas.get(pkg) ?? null;
  }
  appendDelta(pkg: string, text: string): void {
    this.deltas.set(pkg, (this.deltas.get(pkg) ?? '') + text);
  }
  writeDelta(pkg: string, text: string): void {
    this.deltas.set(pkg, text);
  }
  listPackages(): string[] {
    return [...this.configs.keys()].filter(isValidPackageName).sort();
  }
  readExtraDeltas(pkg: string): string[] {
    return this.extraDeltas.get(pkg) ?? [];
  }
}
