// Exit statuses of the paradrop CLI: scripts branch on these.
import { ParadropError } from '../errors.js';

export const EXIT_OK = 0;
/** The user's input was wrong (bad chute, unknown name, bad arguments). */
export const EXIT_USER = 1;
/** The system failed (I/O, a tool missing or failing). */
export const EXIT_SYSTEM = 2;

export function exitCodeFor(err: unknown): number {
  if (err instanceof ParadropError) return err.code === 'IO_ERROR' ? EXIT_SYSTEM : EXIT_USER;
  return EXIT_SYSTEM;
}
