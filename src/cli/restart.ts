// `paradrop restart NAME` (see run-state.ts).
import type { CliIo } from './io.js';
import { runStateCommand } from './run-state.js';

export async function restartCommand(args: string[], io: CliIo): Promise<number> {
  return runStateCommand('restart', args, io);
}
