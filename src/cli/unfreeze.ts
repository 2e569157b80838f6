// `paradrop unfreeze NAME` (see run-state.ts).
import type { CliIo } from './io.js';
import { runStateCommand } from './run-state.js';

export async function unfreezeCommand(args: string[], io: CliIo): Promise<number> {
  return runStateCommand('unfreeze', args, io);
}
