// `paradrop logs NAME [-f] [--program P] [-n LINES]`: the last lines of the chute's program logs;
// -f keeps printing new lines until interrupted (SIGINT/SIGTERM).
import type { CliIo } from './io.js';
import { EXIT_OK } from './exit-codes.js';
import { onePositional } from './args.js';
import { runEngineCommand } from './output.js';
import { followLogs, readLogs } from '../engine/index.js';
import { ParadropError, quote } from '../errors.js';

const USAGE = 'usage: paradrop logs NAME [-f|--follow] [--program NAME] [-n LINES] [--state-dir DIR]';

export async function logsCommand(args: string[], io: CliIo): Promise<number> {
  return runEngineCommand({
    name: 'logs',
    usage: USAGE,
    options: { '--follow': 'boolean', '--program': 'string', '--lines': 'string' },
    aliases: { '-f': '--follow', '-n': '--lines' },
    async run(ctx, p) {
      const name = onePositional(p, 'chute name', USAGE);
      const linesText = (p.options.lines as string | undefined) ?? '50';
      if (!/^\d+$/.test(linesText)) throw new ParadropError('USAGE', `-n ${quote(linesText)} is not a number of lines; ${USAGE}`);
      const opts = { lines: Number(linesText), ...(p.options.program === undefined ? {} : { program: p.options.program as string }) };
      const first = await readLogs(ctx, name, opts);
      io.stdout(first.text);
      if (p.options.follow !== true) return EXIT_OK;
      const stop = new AbortController();
      const onSignal = (): void => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        await followLogs(ctx, name, opts, first.offsets, (t) => io.stdout(t), stop.signal);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      return EXIT_OK;
    },
  }, args, io);
}
