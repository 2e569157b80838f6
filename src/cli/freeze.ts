// `paradrop freeze NAME` (see run-state.ts).
import type { CliIo } from './io.js';
import { runStateCommand } from './run-state.js';

export async function freezeCommand(args: string[], io: CliIo): Promise<number> {
  return runStateCommand('freeze', args, io);
}
