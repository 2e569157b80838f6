// The commands of the uci tool (`show`, `export`, `get`, `set`, `add`, `add_list`, `del_list`,
// `delete`, `rename`, `reorder`, `changes`, `commit`, `revert`) over a UciStore, printing what the
// real tool prints and returning its exit status. Used by `paradrop uci` and by `uci batch`.
// Every command loads the package afresh (file + deltas), as uci does between batch lines.
import type { UciPackage } from './model.js';
import { lookupPtr, notFound, parsePtr, type UciLookup, type UciPtr } from './address.js';
import { addListItem, addSection, delListItem, deleteEntry, renameEntry, reorderEntry, scanInt, setValue, type DeltaEntry } from './edit.js';
import { UciError, formatUciError } from './errors.js';
import { exportUci } from './export.js';
import { formatGetValue, showOption, showSection, showUci } from './show.js';
import { formatChanges } from './delta.js';
import { checkPackageName, commitPackage, loadPackage, revertChanges, saveChanges, type UciStore } from './store.js';
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

function load(ctx: Ctx, name: string): UciPackage {
  return loadPackage(ctx.store, name, { strict: ctx.opts.strict }).pkg;
}

function allPackages(ctx: Ctx, arg: string | undefined): string[] {
  if (arg === undefined) return ctx.store.listPackages();
  checkPackageName(arg);
  return [arg];
}

function lookup(ctx: Ctx, arg: string): { pkg: UciPackage; ptr: UciPtr; lk: UciLookup } {
  const ptr = parsePtr(arg);
  const pkg = load(ctx, ptr.package);
  return { pkg, ptr, lk: lookupPtr(pkg, ptr) };
}

function save(ctx: Ctx, pkg: UciPackage, e: DeltaEntry | null): number {
  if (e) saveChanges(ctx.store, pkg.name, [e]);
  return 0;
}

const handlers: Record<string, { args: [number, number]; run: Handler }> = {
  show: {
    args: [0, 1],
    run(ctx, [arg]) {
      const o = ctx.opts;
      if (arg === undefined) {
        for (const name of ctx.store.listPackages()) ctx.out.stdout(showUci(load(ctx, name), o));
        return 0;
      }
      const { pkg, ptr, lk } = lookup(ctx, arg);
      if (ptr.value !== undefined) return 1;
      if (!lk.complete) throw notFound(arg);
      if (lk.option) ctx.out.stdout(showOption(pkg.name, lk.section!.name, lk.option, o));
      else if (lk.section) ctx.out.stdout(showSection(pkg.name, lk.section, o));
      else ctx.out.stdout(showUci(pkg, o));
      return 0;
    },
  },
  export: {
    args: [0, 1],
    run(ctx, [arg]) {
      for (const name of allPackages(ctx, arg)) {
        ctx.out.stdout(exportUci(load(ctx, name), { nameAnonymous: ctx.opts.exportNames }));
      }
      return 0;
    },
  },
  changes: {
    args: [0, 1],
    run(ctx, [arg]) {
      for (const name of allPackages(ctx, arg)) {
        if (arg === undefined && ctx.store.readDelta(name) === null) continue;
        const { changes } = loadPackage(ctx.store, name, { strict: ctx.opts.strict });
        ctx.out.stdout(formatChanges(name, changes));
      }
      return 0;
    },
  },
  commit: {
    args: [0, 1],
    run(ctx, [arg]) {
      for (const name of allPackages(ctx, arg)) {
        if (arg === undefined && ctx.store.readDelta(name) === null) continue;
        commitPackage(ctx.store, name, { strict: ctx.opts.strict });
      }
      return 0;
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
      const { ptr, lk } = lookup(ctx, arg!);
      if (ptr.value !== undefined) return 1;
      if (!lk.complete) throw notFound(arg!);
      if (lk.option) ctx.out.stdout(formatGetValue(lk.option, ctx.opts.delimiter));
      else if (lk.section) ctx.out.stdout(`${lk.section.type}\n`);
      return 0;
    },
  },
  set: {
    args: [1, 1],
    run(ctx, [arg]) {
      const { pkg, ptr, lk } = lookup(ctx, arg!);
      return save(ctx, pkg, setValue(pkg, ptr, lk));
    },
  },
  add_list: {
    args: [1, 1],
    run(ctx, [arg]) {
      const { pkg, ptr, lk } = lookup(ctx, arg!);
      return save(ctx, pkg, addListItem(pkg, ptr, lk));
    },
  },
  del_list: {
    args: [1, 1],
    run(ctx, [arg]) {
      const { pkg, ptr, lk } = lookup(ctx, arg!);
      return save(ctx, pkg, delListItem(pkg, ptr, lk));
    },
  },
  delete: {
    args: [1, 1],
    run(ctx, [arg]) {
      const { pkg, ptr, lk } = lookup(ctx, arg!);
      // uci refuses a non-numeric `=N` silently, before looking at the target.
      if (ptr.value !== undefined && ptr.value !== '' && scanInt(ptr.value) === null) return 1;
      return save(ctx, pkg, deleteEntry(pkg, ptr, lk));
    },
  },
  rename: {
    args: [1, 1],
    run(ctx, [arg]) {
      const { pkg, ptr, lk } = lookup(ctx, arg!);
      return save(ctx, pkg, renameEntry(pkg, ptr, lk));
    },
  },
  reorder: {
    args: [1, 1],
    run(ctx, [arg]) {
      const { pkg, ptr, lk } = lookup(ctx, arg!);
      return save(ctx, pkg, reorderEntry(pkg, ptr, lk));
    },
  },
  add: {
    args: [2, 2],
    run(ctx, [name, type]) {
      const pkg = load(ctx, name!);
      const { section, entry } = addSection(pkg, type!);
      save(ctx, pkg, entry);
      ctx.out.stdout(`${section.name}\n`);
      return 0;
    },
  },
};

/** Names of the commands runUciCommand knows (batch is handled by runBatch). */
export const UCI_COMMANDS = Object.keys(handlers);

/**
 * Runs one uci command (`argv[0]` = command) and returns its exit status: 0, 1 on errors
 * (message on stderr unless quiet), EXIT_USAGE for an unknown command or wrong argument count.
 */
export function runUciCommand(store: UciStore, argv: readonly string[], opts: UciCommandOptions, out: UciOutput): number {
  const [name, ...args] = argv;
  const h = name === undefined ? undefined : handlers[name];
  if (!h || args.length < h.args[0] || args.length > h.args[1]) return EXIT_USAGE;
  try {
    return h.run({ store, opts, out }, args);
  } catch (err) {
    if (err instanceof UciError || (err instanceof ParadropError && err.code === 'IO_ERROR')) {
      if (!opts.quiet) out.stderr(`${formatUciError(err)}\n`);
      return 1;
    }
    throw err;
  }
}
