// `paradrop reconcile` (the daemon runs it at start): finishes or undoes an operation a crash
// interrupted, then brings every chute to its recorded state and removes what paradrop left behind
// of chutes that are no longer installed (their data is kept).
import type { CliIo } from './io.js';
import { EXIT_OK } from './exit-codes.js';
import { describeResult, printJson, runEngineCommand } from './output.js';
import { reconcile } from '../engine/index.js';
import { ParadropError } from '../errors.js';

const USAGE = 'usage: paradrop reconcile [--json] [-q] [--state-dir DIR]';

export async function reconcileCommand(args: string[], io: CliIo): Promise<number> {
  return runEngineCommand({
    name: 'reconcile',
    usage: USAGE,
    async run(ctx, p) {
      if (p.positional.length > 0) throw new ParadropError('USAGE', `reconcile takes no arguments; ${USAGE}`);
      const r = await reconcile(ctx);
      if (p.json) printJson(io, r);
      else io.stdout(describeResult(r, `reconciled: ${r.steps} steps`, 'everything is as it should be'));
      return EXIT_OK;
    },
  }, args, io);
}
