// `paradrop stop NAME` (see run-state.ts).
import type { CliIo } from './io.js';
import { runStateCommand } from './run-state.js';

export async function stopCommand(args: string[], io: CliIo): Promise<number> {
  return runStateCommand('stop', args, io);
}
