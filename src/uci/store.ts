// Where packages and their pending changes live, as an interface, and the operations that need
// both: load (parse the file, replay deltas), save (append delta lines), commit, revert.
// The uci-compatible CLI and `uci batch` run on any store: the file system (store-fs.ts) or
// memory (tests, dry runs). Pure apart from what the store does.
// Encoding (encoding.ts): a store that reads bytes decodes all files of a package alike
// (readPackage) and is told the same encoding again when writing, so every byte survives; the
// package's strings are then in that representation, and outside values must be converted with
// toFileText before they go in. A store without readPackage holds plain 'utf8' strings.
import type { UciPackage } from './model.js';
import type { ConfigEncoding } from './encoding.js';
import type { UciParseError } from './errors.js';
import { isValidPackageName } from './names.js';
import { parseUci } from './parse.js';
import { exportUciBody } from './export.js';
import { applyDelta, formatDeltaLine, readDeltaLines, type DeltaEntry } from './delta.js';
import { invalidArgument, notFound } from './address.js';

/** Every file of one package, decoded alike. */
export interface PackageTexts {
  /** The config file, null when there is no such package. */
  config: string | null;
  /** The read-only delta files (`uci -p`), in replay order. */
  extraDeltas: string[];
  /** The save directory's delta file, null when it does not exist. */
  delta: string | null;
  encoding: ConfigEncoding;
}

export interface UciStore {
  /** The config file's text, null when there is no such package. */
  readConfig(pkg: string): string | null;
  /** Replaces the config file (atomically, for a file store), in `encoding` (default 'utf8'). */
  writeConfig(pkg: string, text: string, encoding?: ConfigEncoding): void;
  /** The save directory's delta file, null when it does not exist. */
  readDelta(pkg: string): string | null;
  appendDelta(pkg: string, text: string, encoding?: ConfigEncoding): void;
  /** Rewrites the delta file ('' truncates it; it is not removed). */
  writeDelta(pkg: string, text: string, encoding?: ConfigEncoding): void;
  /** Package names in the config directory, sorted. */
  listPackages(): string[];
  /** Read-only delta files replayed before the save directory's (`uci -p DIR`). */
  readExtraDeltas?(pkg: string): string[];
  /** All files of a package decoded alike (stores that read bytes). */
  readPackage?(pkg: string): PackageTexts;
  /**
   * Whether the config directory holds anything uci's `<dir>/*` glob matches (any entry not
   * starting with a dot, valid package or not). Without it: whether listPackages() is non-empty.
   */
  hasConfigEntries?(): boolean;
}

export interface LoadedPackage {
  pkg: UciPackage;
  /** Delta entries that applied while loading (what `uci changes` lists). */
  changes: DeltaEntry[];
  /** How the package's files were decoded: write back and convert outside values with it. */
  encoding: ConfigEncoding;
}

export interface LoadOptions {
  /** libuci strict parsing (default true). */
  strict?: boolean;
  /** Non-strict mode: each parse error skipped in the config file. */
  onError?: (err: UciParseError) => void;
}

export function checkPackageName(name: string): void {
  if (!isValidPackageName(name)) throw invalidArgument(name, 'a package name of letters, digits, _ and -');
}

/** The files of a package, decoded alike (plain strings, 'utf8', for stores without readPackage). */
export function readPackageTexts(store: UciStore, name: string): PackageTexts {
  if (store.readPackage) return store.readPackage(name);
  return {
    config: store.readConfig(name),
    extraDeltas: store.readExtraDeltas?.(name) ?? [],
    delta: store.readDelta(name),
    encoding: 'utf8',
  };
}

/** Loads a package as uci sees it: file, then every delta source in order. */
export function loadPackage(store: UciStore, name: string, opts: LoadOptions = {}): LoadedPackage {
  checkPackageName(name);
  const files = readPackageTexts(store, name);
  if (files.config === null) throw notFound(name);
  const pkg = parseUci(files.config, name, { strict: opts.strict, onError: opts.onError, encoding: files.encoding });
  const changes: DeltaEntry[] = [];
  for (const extra of files.extraDeltas) changes.push(...applyDelta(pkg, extra));
  if (files.delta !== null) changes.push(...applyDelta(pkg, files.delta));
  return { pkg, changes, encoding: files.encoding };
}

/**
 * Records edits in the save directory (nothing is written for no entries). `encoding` is the
 * package's (LoadedPackage.encoding); the entries' values must already be in its representation.
 */
export function saveChanges(store: UciStore, pkgName: string, entries: readonly DeltaEntry[], encoding: ConfigEncoding = 'utf8'): void {
  if (entries.length === 0) return;
  store.appendDelta(pkgName, entries.map((e) => formatDeltaLine(pkgName, e)).join(''), encoding);
}

/**
 * `uci commit <pkg>`: when at least one delta line applies, writes the merged package in export
 * format and truncates the save-dir delta file; otherwise leaves both untouched (the file keeps
 * its comments and formatting). Returns whether the file was rewritten.
 */
export function commitPackage(store: UciStore, name: string, opts: LoadOptions = {}): boolean {
  const { pkg, changes, encoding } = loadPackage(store, name, opts);
  if (changes.length === 0) return false;
  store.writeConfig(name, exportUciBody(pkg), encoding);
  if (store.readDelta(name) !== null) store.writeDelta(name, '', encoding);
  return true;
}

/**
 * `uci revert`: drops the delta lines for `section` (all of the package's when undefined),
 * narrowed to `option` when given. Lines that cannot be parsed are dropped as well.
 */
export function revertChanges(store: UciStore, pkgName: string, section?: string, option?: string): void {
  const { delta: text, encoding } = readPackageTexts(store, pkgName);
  if (text === null) return;
  let kept = '';
  for (const line of readDeltaLines(text)) {
    const e = line.entry;
    if (!e) continue;
    if (section === undefined) continue;
    if (e.section !== section || (option !== undefined && e.option !== option)) kept += line.raw;
  }
  store.writeDelta(pkgName, kept, encoding);
}

/** A store held in memory: `configs` and `deltas` by package name (strings: the encoding is ignored). */
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
  hasConfigEntries(): boolean {
    return [...this.configs.keys()].some((k) => !k.startsWith('.'));
  }
  readExtraDeltas(pkg: string): string[] {
    return this.extraDeltas.get(pkg) ?? [];
  }
}
