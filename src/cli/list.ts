// `paradrop list`: installed chutes, what each should be doing and what its container is doing.
import type { CliIo } from './io.js';
import { EXIT_OK } from './exit-codes.js';
import { formatTable, printJson, runEngineCommand } from './output.js';
import { listChutes } from '../engine/index.js';
import { ParadropError } from '../errors.js';

const USAGE = 'usage: paradrop list [--json] [--state-dir DIR]';

export async function listCommand(args: string[], io: CliIo): Promise<number> {
  return runEngineCommand({
    name: 'list',
    usage: USAGE,
    async run(ctx, p) {
      if (p.positional.length > 0) throw new ParadropError('USAGE', `list takes no arguments; ${USAGE}`);
      const chutes = await listChutes(ctx);
      if (p.json) { printJson(io, chutes); return EXIT_OK; }
      if (chutes.length === 0) { io.stdout('no chutes installed; install one with `paradrop install DIR`\n'); return EXIT_OK; }
      const rows = [['NAME', 'VERSION', 'DESIRED', 'STATE', 'ADDRESSES']];
      for (const c of chutes) rows.push([c.name, c.version, c.desired, c.state.toLowerCase(), c.addresses.join(' ') || '-']);
      io.stdout(formatTable(rows));
      return EXIT_OK;
    },
  }, args, io);
}
