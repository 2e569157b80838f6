// The shared body of `paradrop start|stop|restart|freeze|unfreeze NAME`: each changes what the
// chute should be doing (recorded, so it survives a reboot) and the engine makes it so.
import type { CliIo } from './io.js';
import { EXIT_OK } from './exit-codes.js';
import { onePositional } from './args.js';
import { describeResult, printJson, runEngineCommand } from './output.js';
import { setRunState, type RunVerb } from '../engine/index.js';

const DONE: Record<RunVerb, [string, string]> = {
  start: ['started', 'is already running'],
  stop: ['stopped', 'is already stopped'],
  restart: ['restarted', 'was restarted'],
  freeze: ['froze', 'is already frozen'],
  unfreeze: ['unfroze', 'is already running (not frozen)'],
};

export async function runStateCommand(verb: RunVerb, args: string[], io: CliIo): Promise<number> {
  const usage = `usage: paradrop ${verb} NAME [--json] [-q] [--state-dir DIR]`;
  return runEngineCommand({
    name: verb,
    usage,
    async run(ctx, p) {
      const name = onePositional(p, 'chute name', usage);
      const r = await setRunState(ctx, verb, name);
      const [done, already] = DONE[verb];
      if (p.json) printJson(io, r);
      else io.stdout(describeResult(r, `${done} ${name}`, `${name} ${already}`));
      return EXIT_OK;
    },
  }, args, io);
}
