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
  uci: {
    summary: 'uci [-c DIR] [-t DIR] show|export|get|set|add|add_list|del_list|delete|rename|reorder|changes|commit|batch',
    load: async () => (await import('./uci.js')).uciCommand,
  },
};

function usage(): string {
  const lines = Object.values(commands).map((c) => `  paradrop ${c.summary}`);
  return `usage:\n${lines.join('\n')}\n  paradrop --version\n`;
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
