// `paradrop start NAME` (see run-state.ts).
import type { CliIo } from './io.js';
import { runStateCommand } from './run-state.js';

export async function startCommand(args: string[], io: CliIo): Promise<number> {
  return runStateCommand('start', args, io);
}
