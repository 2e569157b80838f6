// Dispatches `paradrop <command> ...` to one module per command. Commands turn arguments into calls
// on the core; they hold no logic of their own.
import type { CliIo } from './io.js';
import '../target.js';
import { EXIT_USER, exitCodeFor } from './exit-codes.js';
import { ParadropError } from '../errors.js';

declare const PARADROP_VERSION: string;

export type Command = (args: string[], io: CliIo) => Promise<number>;

interface CommandEntry {
  summary: string;
  load: () => Promise<Command>;
}

const commands: Record<string, CommandEntry> = {
  validate: {
    summary: 'validate DIR|FILE...          check a chute; list every problem',
    load: async () => (await import('./validate.js')).validateCommand,
  },
  render: {
    summary: 'render DIR|FILE... [--profile FILE]   print the UCI, LXC config, limits and shaping',
    load: async () => (await import('./render.js')).renderCommand,
  },
  install: {
    summary: 'install DIR|chute.json|URL    install a chute, or update an installed one (its data is kept)',
    load: async () => (await import('./install.js')).installCommand,
  },
  list: {
    summary: 'list                          installed chutes and their states',
    load: async () => (await import('./list.js')).listCommand,
  },
  status: {
    summary: 'status NAME                   state, uptime, programs, addresses, limits and usage',
    load: async () => (await import('./status.js')).statusCommand,
  },
  start: {
    summary: 'start NAME                    start a stopped chute',
    load: async () => (await import('./start.js')).startCommand,
  },
  stop: {
    summary: 'stop NAME                     stop a chute (it stays installed)',
    load: async () => (await import('./stop.js')).stopCommand,
  },
  restart: {
    summary: 'restart NAME                  stop and start a chute',
    load: async () => (await import('./restart.js')).restartCommand,
  },
  freeze: {
    summary: 'freeze NAME                   pause every process of a chute (cgroup freezer)',
    load: async () => (await import('./freeze.js')).freezeCommand,
  },
  unfreeze: {
    summary: 'unfreeze NAME                 let a frozen chute run again',
    load: async () => (await import('./unfreeze.js')).unfreezeCommand,
  },
  remove: {
    summary: 'remove NAME [--keep-data]     remove a chute, its container, config and data',
    load: async () => (await import('./remove.js')).removeCommand,
  },
  logs: {
    summary: 'logs NAME [-f] [--program P] [-n LINES]   the chute\'s program logs',
    load: async () => (await import('./logs.js')).logsCommand,
  },
  'set-resources': {
    summary: 'set-resources NAME [--memory SIZE] [--cpu SHARES] [--net IFACE:down=KBPS,up=KBPS]   change limits at run time',
    load: async () => (await import('./set-resources.js')).setResourcesCommand,
  },
  daemon: {
    summary: 'daemon [--socket PATH]        serve the ubus object paradrop (run by procd)',
    load: async () => (await import('./daemon.js')).daemonCommand,
  },
  reconcile: {
    summary: 'reconcile                     recover from a crash; bring every chute to its recorded state',
    load: async () => (await import('./reconcile.js')).reconcileCommand,
  },
  uci: {
    summary: 'uci [-c DIR] [-t DIR] show|export|get|set|add|add_list|del_list|delete|rename|reorder|changes|commit|batch',
    // The OpenWrt build leaves this subset out: the router has the real uci (src/target.ts).
    load: PARADROP_TARGET === 'openwrt'
      ? async () => { throw new ParadropError('USAGE', 'this OpenWrt build has no `paradrop uci`: use uci itself', { expected: 'uci' }); }
      : async () => (await import('./uci.js')).uciCommand,
  },
};

/** Commands that manage LXC containers, mounts and cgroups, or read their state: root only. */
const NEEDS_ROOT = new Set([
  'install', 'update', 'remove', 'start', 'stop', 'restart', 'freeze', 'unfreeze', 'set-resources', 'reconcile', 'status', 'list',
  'logs', 'daemon',
]);

/** Options every chute command takes, accepted before the command name too (`paradrop --json list`). */
const GLOBAL_FLAGS = new Set(['--json', '-q', '--quiet', '--direct']);
const GLOBAL_VALUED = new Set(['--state-dir', '--store', '--profile', '--grace']);

/** Splits leading global options off `argv`; they go to the command with its own arguments. */
function leadingGlobals(argv: string[]): { globals: string[]; rest: string[] } {
  let i = 0;
  const globals: string[] = [];
  while (i < argv.length) {
    const a = argv[i]!;
    const flag = a.startsWith('--') && a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
    if (GLOBAL_FLAGS.has(a) || (GLOBAL_VALUED.has(flag) && a.includes('='))) { globals.push(a); i += 1; }
    else if (GLOBAL_VALUED.has(a) && argv[i + 1] !== undefined) { globals.push(a, argv[i + 1]!); i += 2; }
    else break;
  }
  return { globals, rest: argv.slice(i) };
}

function usage(): string {
  const lines = Object.values(commands).map((c) => `  paradrop ${c.summary}`);
  return `usage:\n${lines.join('\n')}\n  paradrop --version\n` +
    'options of the chute commands: --state-dir DIR, --store DIR|URL, --profile FILE, --json, -q, --direct (not through the daemon)\n';
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const split = leadingGlobals(argv);
  const [name, ...after] = split.rest;
  const rest = [...split.globals, ...after];
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    io.stdout(usage());
    return name === undefined ? EXIT_USER : 0;
  }
  if (name === '--version' || name === 'version') {
    io.stdout(`paradrop ${typeof PARADROP_VERSION === 'string' ? PARADROP_VERSION : 'dev'}\n`);
    return 0;
  }
  const entry = commands[name];
  if (!entry) {
    io.stderr(`paradrop: unknown command "${name}"\n${usage()}`);
    return EXIT_USER;
  }
  const asksHelp = rest.includes('-h') || rest.includes('--help');
  if (NEEDS_ROOT.has(name) && !asksHelp && process.getuid !== undefined && process.getuid() !== 0) {
    io.stderr(`paradrop ${name} must run as root (it manages LXC containers, mounts and cgroups): run it with sudo\n`);
    return EXIT_USER;
  }
  try {
    // The chute commands go through the daemon when it runs (via-daemon.ts); --direct bypasses it.
    const routed = await (await import('./via-daemon.js')).routeViaDaemon(name, rest, io);
    if ('exit' in routed) return routed.exit;
    return await (await entry.load())(routed.args, io);
  } catch (err) {
    if (err instanceof ParadropError) {
      io.stderr(`paradrop ${name}: ${err.message}\n`);
    } else {
      io.stderr(`paradrop ${name}: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    }
    return exitCodeFor(err);
  }
}
