// The commands of the uci tool (`show`, `export`, `get`, `set`, `add`, `add_list`, `del_list`,
// `delete`, `rename`, `reorder`, `changes`, `commit`, `revert`) over a UciStore, printing what the
// real tool prints and returning its exit status. Used by `paradrop uci` and by `uci batch`.
// Every command loads the package afresh (file + deltas), as uci does between batch lines.
// Bytes (encoding.ts): arguments are Unicode strings and are converted to the package's
// representation before use; what a command prints about a 'latin1' package goes out as the
// file's bytes (UciOutput.stdoutBytes).
// Without a package argument, show/export/changes/commit work on every package of the config
// directory like uci: an error in one package is printed and the next one is done (exit 0);
// a config directory with nothing in it (or none at all) is "Entry not found" (exit 1).
// Non-strict mode (`-S`): each skipped parse error is printed as libuci prints it from the
// loader, `Parse error (<reason>) at line <L>, byte <B>` without the `uci: ` prefix and even
// with -q (in uci, -q silences only the CLI's own messages). uci's commit re-reads the file and
// prints them a second time; paradrop prints them once.
import type { UciPackage } from './model.js';
import { lookupPtr, notFound, parsePtr, type UciLookup, type UciPtr } from './address.js';
import { addListItem, addSection, delListItem, deleteEntry, renameEntry, reorderEntry, scanInt, setValue, type DeltaEntry } from './edit.js';
import { UciError, formatUciError, type UciParseError } from './errors.js';
import { exportUci } from './export.js';
import { formatGetValue, showOption, showSection, showUci } from './show.js';
import { formatChanges } from './delta.js';
import { toFileText, type ConfigEncoding } from './encoding.js';
import { checkPackageName, commitPackage, loadPackage, revertChanges, saveChanges, type LoadOptions, type UciStore } from './store.js';
import { ParadropError } from '../errors.js';

export interface UciCommandOptions {
  /** `-d`: list item separator for show/get. */
  delimiter: string;
  /** `-X`: internal section names in show. */
  internalNames: boolean;
  /** `-n`: name anonymous sections in export. */
  exportNames: boolean;
  /** `-q`: no error messages. */
  quiet: boolean;
  /** `-s`/`-S`: libuci strict parsing (default on). */
  strict: boolean;
}

export const defaultCommandOptions: UciCommandOptions = {
  delimiter: ' ',
  internalNames: false,
  exportNames: false,
  quiet: false,
  strict: true,
};

export interface UciOutput {
  stdout(text: string): void;
  stderr(text: string): void;
  /**
   * Raw bytes for stdout (output about a package whose files are not UTF-8). Without it such
   * output goes to stdout() decoded as UTF-8, invalid bytes becoming U+FFFD.
   */
  stdoutBytes?(bytes: Uint8Array): void;
}

export const UCI_USAGE = `Usage: uci [<options>] <command> [<arguments>]

Commands:
\tbatch
\texport     [<config>]
\tchanges    [<config>]
\tcommit     [<config>]
\tadd        <config> <section-type>
\tadd_list   <config>.<section>.<option>=<string>
\tdel_list   <config>.<section>.<option>=<string>
\tshow       [<config>[.<section>[.<option>]]]
\tget        <config>.<section>[.<option>]
\tset        <config>.<section>[.<option>]=<value>
\tdelete     <config>.<section>[.<option>]
\trename     <config>.<section>[.<option>]=<name>
\trevert     <config>[.<section>[.<option>]]
\treorder    <config>.<section>=<position>

Options:
\t-c <path>  set the search path for config files (default: /etc/config)
\t-d <str>   set the delimiter for list values in uci show
\t-n         name unnamed sections on export
\t-N         don't name unnamed sections
\t-p <path>  add a search path for config change files
\t-q         quiet mode (don't print error messages)
\t-s         force strict mode (stop on parser errors, default)
\t-S         disable strict mode
\t-t <path>  set the directory for config change files (default: /tmp/.uci)
\t-X         do not use extended syntax on 'show'
`;

/** Exit status meaning "wrong arguments": the caller prints the usage. */
export const EXIT_USAGE = 255;

type Handler = (ctx: Ctx, args: string[]) => number;

interface Ctx {
  store: UciStore;
  opts: UciCommandOptions;
  out: UciOutput;
}

function loadOptions(ctx: Ctx): LoadOptions {
  if (ctx.opts.strict) return { strict: true };
  const onError = (err: UciParseError) => ctx.out.stderr(`Parse error (${err.reason}) at line ${err.line}, byte ${err.byte}\n`);
  return { strict: false, onError };
}

function load(ctx: Ctx, name: string): { pkg: UciPackage; encoding: ConfigEncoding } {
  return loadPackage(ctx.store, name, loadOptions(ctx));
}

/** Prints text about a package: as the file's bytes when it was not decoded as UTF-8. */
function print(ctx: Ctx, text: string, encoding: ConfigEncoding): void {
  if (encoding === 'utf8' || text === '') {
    ctx.out.stdout(text);
    return;
  }
  const bytes = Buffer.from(text, 'latin1');
  if (ctx.out.stdoutBytes) ctx.out.stdoutBytes(bytes);
  else ctx.out.stdout(bytes.toString('utf8'));
}

function report(ctx: Ctx, err: unknown): void {
  if (!ctx.opts.quiet) ctx.out.stderr(`${formatUciError(err)}\n`);
}

function isCommandError(err: unknown): boolean {
  return err instanceof UciError || (err instanceof ParadropError && err.code === 'IO_ERROR');
}

/**
 * Runs `fn` for the named package, or for every package of the config directory: then one
 * failing package is reported and skipped, like uci's loop over its configs.
 */
function forPackages(ctx: Ctx, arg: string | undefined, fn: (name: string) => void): number {
  if (arg !== undefined) {
    checkPackageName(arg);
    fn(arg);
    return 0;
  }
  const store = ctx.store;
  const names = store.listPackages();
  if (names.length === 0 && !(store.hasConfigEntries?.() ?? false)) {
    // uci's glob over the config directory matched nothing.
    throw new UciError('Entry not found', 'no UCI config files: the config directory is empty or missing', {
      expected: 'at least one file in the config directory',
    });
  }
  for (const name of names) {
    try {
      fn(name);
    } catch (err) {
      if (!isCommandError(err)) throw err;
      report(ctx, err);
    }
  }
  return 0;
}

interface Found {
  pkg: UciPackage;
  ptr: UciPtr;
  lk: UciLookup;
  encoding: ConfigEncoding;
}

function lookup(ctx: Ctx, arg: string): Found {
  const first = parsePtr(arg);
  const { pkg, encoding } = load(ctx, first.package);
  // `.` and `=` are ASCII, so converting the whole argument converts each of its parts.
  const ptr = encoding === 'utf8' ? first : parsePtr(toFileText(arg, encoding));
  return { pkg, ptr, lk: lookupPtr(pkg, ptr), encoding };
}

function save(ctx: Ctx, f: Found, e: DeltaEntry | null): number {
  if (e) saveChanges(ctx.store, f.pkg.name, [e], f.encoding);
  return 0;
}

const handlers: Record<string, { args: [number, number]; run: Handler }> = {
  show: {
    args: [0, 1],
    run(ctx, [arg]) {
      const o = ctx.opts;
      if (arg === undefined) {
        return forPackages(ctx, arg, (name) => {
          const { pkg, encoding } = load(ctx, name);
          print(ctx, showUci(pkg, o), encoding);
        });
      }
      const { pkg, ptr, lk, encoding } = lookup(ctx, arg);
      if (ptr.value !== undefined) return 1;
      if (!lk.complete) throw notFound(arg);
      if (lk.option) print(ctx, showOption(pkg.name, lk.section!.name, lk.option, o), encoding);
      else if (lk.section) print(ctx, showSection(pkg.name, lk.section, o), encoding);
      else print(ctx, showUci(pkg, o), encoding);
      return 0;
    },
  },
  export: {
    args: [0, 1],
    run(ctx, [arg]) {
      return forPackages(ctx, arg, (name) => {
        const { pkg, encoding } = load(ctx, name);
        print(ctx, exportUci(pkg, { nameAnonymous: ctx.opts.exportNames }), encoding);
      });
    },
  },
  changes: {
    args: [0, 1],
    run(ctx, [arg]) {
      return forPackages(ctx, arg, (name) => {
        if (arg === undefined && ctx.store.readDelta(name) === null) return;
        const { changes, encoding } = loadPackage(ctx.store, name, loadOptions(ctx));
        print(ctx, formatChanges(name, changes), encoding);
      });
    },
  },
  commit: {
    args: [0, 1],
    run(ctx, [arg]) {
      return forPackages(ctx, arg, (name) => {
        if (arg === undefined && ctx.store.readDelta(name) === null) return;
        commitPackage(ctx.store, name, loadOptions(ctx));
      });
    },
  },
  revert: {
    args: [1, 1],
    run(ctx, [arg]) {
      const { lk, ptr } = lookup(ctx, arg!);
      revertChanges(ctx.store, ptr.package, lk.sectionName, ptr.option);
      return 0;
    },
  },
  get: {
    args: [1, 1],
    run(ctx, [arg]) {
      const { ptr, lk, encoding } = lookup(ctx, arg!);
      if (ptr.value !== undefined) return 1;
      if (!lk.complete) throw notFound(arg!);
      if (lk.option) print(ctx, formatGetValue(lk.option, ctx.opts.delimiter), encoding);
      else if (lk.section) print(ctx, `${lk.section.type}\n`, encoding);
      return 0;
    },
  },
  set: {
    args: [1, 1],
    run(ctx, [arg]) {
      const f = lookup(ctx, arg!);
      return save(ctx, f, setValue(f.pkg, f.ptr, f.lk));
    },
  },
  add_list: {
    args: [1, 1],
    run(ctx, [arg]) {
      const f = lookup(ctx, arg!);
      return save(ctx, f, addListItem(f.pkg, f.ptr, f.lk));
    },
  },
  del_list: {
    args: [1, 1],
    run(ctx, [arg]) {
      const f = lookup(ctx, arg!);
      return save(ctx, f, delListItem(f.pkg, f.ptr, f.lk));
    },
  },
  delete: {
    args: [1, 1],
    run(ctx, [arg]) {
      const f = lookup(ctx, arg!);
      // uci refuses a non-numeric `=N` silently, before looking at the target.
      if (f.ptr.value !== undefined && f.ptr.value !== '' && scanInt(f.ptr.value) === null) return 1;
      return save(ctx, f, deleteEntry(f.pkg, f.ptr, f.lk));
    },
  },
  rename: {
    args: [1, 1],
    run(ctx, [arg]) {
      const f = lookup(ctx, arg!);
      return save(ctx, f, renameEntry(f.pkg, f.ptr, f.lk));
    },
  },
  reorder: {
    args: [1, 1],
    run(ctx, [arg]) {
      const f = lookup(ctx, arg!);
      return save(ctx, f, reorderEntry(f.pkg, f.ptr, f.lk));
    },
  },
  add: {
    args: [2, 2],
    run(ctx, [name, type]) {
      const { pkg, encoding } = load(ctx, name!);
      const { section, entry } = addSection(pkg, toFileText(type!, encoding));
      saveChanges(ctx.store, pkg.name, [entry], encoding);
      print(ctx, `${section.name}\n`, encoding);
      return 0;
    },
  },
};

/**
 * Runs one uci command (`argv[0]` = command) and returns its exit status: 0, 1 on errors
 * (message on stderr unless quiet), EXIT_USAGE for an unknown command or wrong argument count.
 */
export function runUciCommand(store: UciStore, argv: readonly string[], opts: UciCommandOptions, out: UciOutput): number {
  const [name, ...args] = argv;
  const h = name === undefined ? undefined : handlers[name];
  if (!h || args.length < h.args[0] || args.length > h.args[1]) return EXIT_USAGE;
  const ctx: Ctx = { store, opts, out };
  try {
    return h.run(ctx, args);
  } catch (err) {
    if (!isCommandError(err)) throw err;
    report(ctx, err);
    return 1;
  }
}
