// Dispatches `paradrop <command> ...` to one module per command. Commands turn arguments into calls
// on the core; they hold no logic of their own.
import type { CliIo } from './io.js';
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
  reconcile: {
    summary: 'reconcile                     recover from a crash; bring every chute to its recorded state',
    load: async () => (await import('./reconcile.js')).reconcileCommand,
  },
  uci: {
    summary: 'uci [-c DIR] [-t DIR] show|export|get|set|add|add_list|del_list|delete|rename|reorder|changes|commit|batch',
    load: async () => (await import('./uci.js')).uciCommand,
  },
};

function usage(): string {
  const lines = Object.values(commands).map((c) => `  paradrop ${c.summary}`);
  return `usage:\n${lines.join('\n')}\n  paradrop --version\n` +
    'options of the chute commands: --state-dir DIR, --store DIR|URL, --profile FILE, --json, -q\n';
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
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
  try {
    return await (await entry.load())(rest, io);
  } catch (err) {
    if (err instanceof ParadropError) {
      io.stderr(`paradrop ${name}: ${err.message}\n`);
    } else {
      io.stderr(`paradrop ${name}: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    }
    return exitCodeFor(err);
  }
}
