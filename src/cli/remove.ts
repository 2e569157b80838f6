// `paradrop remove NAME [--keep-data]`: stops and removes a chute: its container, its UCI sections,
// its cgroups and its directories (its disk image too unless --keep-data), and nothing else.
import type { CliIo } from './io.js';
import { EXIT_OK } from './exit-codes.js';
import { onePositional } from './args.js';
import { describeResult, printJson, runEngineCommand } from './output.js';
import { removeChute } from '../engine/index.js';

const USAGE = 'usage: paradrop remove NAME [--keep-data] [--json] [-q] [--state-dir DIR]';

export async function removeCommand(args: string[], io: CliIo): Promise<number> {
  return runEngineCommand({
    name: 'remove',
    usage: USAGE,
    options: { '--keep-data': 'boolean' },
    async run(ctx, p) {
      const name = onePositional(p, 'chute name', USAGE);
      const keepData = p.options['keep-data'] === true;
      const r = await removeChute(ctx, name, { keepData });
      if (p.json) printJson(io, { ...r, keepData });
      else io.stdout(describeResult(r, `removed ${name}${keepData ? ' (its data is kept; install it again to use it)' : ''}`, `removed ${name}`));
      return EXIT_OK;
    },
  }, args, io);
}
