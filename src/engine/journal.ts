// The journal: at most one open transaction (<journalDir>/current.json), rewritten durably before
// and after every step. Before a step runs, its undo data (what it will change, observed just
// then) is in the journal; after it ran, the journal says so. So after a crash the journal knows
// every step that may have touched the system and how to put each back.
// The transaction's `commit` is the index of its save-state step: until that step is done the
// operation is undone on recovery; once it is done the operation is finished (the steps after the
// commit are idempotent clean-ups, such as deleting a removed chute's directories).
import { join } from 'node:path';
import { ParadropError } from '../errors.js';
import type { Step } from '../plan/steps.js';
import { readOptional, removeDurable, writeDurable } from '../platform/durable-file.js';

export interface Transaction {
  version: 1;
  id: string;
  /** install, update, remove, start, ... reconcile. */
  op: string;
  chute?: string;
  startedAt: string;
  steps: Step[];
  /** Index of the save-state step. */
  commit: number;
  /** Undo data of each started step, by index: its length is the number of steps started. */
  undo: unknown[];
  /** Number of steps finished. */
  done: number;
}

export type Recovery = 'roll-back' | 'roll-forward';

/** Pure: what recovery does with a transaction left open. */
export function recoveryOf(tx: Transaction): Recovery {
  return tx.done > tx.commit ? 'roll-forward' : 'roll-back';
}

export function journalPath(journalDir: string): string {
  return join(journalDir, 'current.json');
}

/** Pure: checks a journal file's content; a damaged journal is refused, never guessed at. */
export function parseTransaction(text: string, path: string): Transaction {
  let tx: Partial<Transaction>;
  try {
    tx = JSON.parse(text) as Partial<Transaction>;
  } catch (err) {
    throw new ParadropError('JOURNAL_INVALID', `journal ${path} is not valid JSON; it cannot be recovered automatically: inspect it, then move it away`,
      { path, cause: err });
  }
  const ok = tx !== null && typeof tx === 'object' && tx.version === 1 && typeof tx.id === 'string' && Array.isArray(tx.steps)
    && Array.isArray(tx.undo) && typeof tx.done === 'number' && typeof tx.commit === 'number'
    && tx.undo.length <= tx.steps.length && tx.done <= tx.undo.length && tx.steps[tx.commit]?.kind === 'save-state';
  if (!ok) {
    throw new ParadropError('JOURNAL_INVALID', `journal ${path} is not a paradrop transaction of version 1; inspect it, then move it away`,
      { path, expected: 'a transaction written by paradrop' });
  }
  return tx as Transaction;
}

export class Journal {
  readonly path: string;

  constructor(journalDir: string) {
    this.path = journalPath(journalDir);
  }

  async read(): Promise<Transaction | null> {
    const text = await readOptional(this.path);
    return text === null ? null : parseTransaction(text, this.path);
  }

  async write(tx: Transaction): Promise<void> {
    await writeDurable(this.path, `${JSON.stringify(tx)}\n`, 0o600);
  }

  async close(): Promise<void> {
    await removeDurable(this.path);
  }
}
