// Runs a transaction's steps in order through the journal: for each step, observe (undo data),
// journal it durably, do it, journal that it is done. A step that fails before the commit undoes
// itself and every step before it, in reverse, then the error names the step and its cause; once
// the commit (save-state) is done, the operation is decided and later steps are only finished.
// recoverTransaction() does the same for a transaction a crash left open: undo it, or finish it.
//
// Fault injection, for tests only: PARADROP_CRASH_AT="<index>:before|after" makes the process
// SIGKILL itself right before step <index> runs (its undo data already journaled) or right after
// it is journaled as done. The crash tests use it to prove that recovery converges from every step.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import debug from '../log.js';
import { ParadropError, quote } from '../errors.js';
import { describeStep, type Step } from '../plan/steps.js';
import { Journal, recoveryOf, type Transaction } from './journal.js';
import { executorOf } from './steps.js';
import type { EngineContext } from './types.js';

const log = debug('paradrop:engine:runner');

export interface TransactionSpec {
  id: string;
  op: string;
  chute?: string;
  steps: Step[];
}

function crashPoint(ctx: EngineContext, index: number, when: 'before' | 'after'): void {
  const at = ctx.env.PARADROP_CRASH_AT;
  if (at === undefined || at !== `${index}:${when}`) return;
  log('PARADROP_CRASH_AT=%s: killing myself', at);
  process.kill(process.pid, 'SIGKILL');
}

function subject(tx: { op: string; chute?: string | undefined }): string {
  return tx.chute === undefined ? tx.op : `${tx.op} ${tx.chute}`;
}

function causeText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Undoes the started steps of `tx` in reverse; journals progress so a crash in between resumes. */
async function rollBack(ctx: EngineContext, journal: Journal, tx: Transaction): Promise<void> {
  while (tx.undo.length > 0) {
    const i = tx.undo.length - 1;
    const step = tx.steps[i]!;
    try {
      ctx.reporter.info(`  undo ${i + 1}/${tx.steps.length} ${describeStep(step)}`);
      await executorOf(step).undo(step, tx.undo[i], ctx);
    } catch (err) {
      throw new ParadropError('ROLLBACK_FAILED',
        `${subject(tx)}: undoing step ${i + 1}/${tx.steps.length} ${describeStep(step)} failed: ${causeText(err)}; ` +
        'the journal is kept: fix the cause and run `paradrop reconcile`',
        { value: describeStep(step), cause: err });
    }
    tx.undo.pop();
    tx.done = Math.min(tx.done, tx.undo.length);
    await journal.write(tx);
  }
  // Everything is put back: the files the transaction backed up are its no longer.
  await rm(join(ctx.settings.backupDir, tx.id), { recursive: true, force: true });
}

/** Runs steps from tx.done on; used for a new transaction and to finish a committed one. */
async function runFrom(ctx: EngineContext, journal: Journal, tx: Transaction): Promise<void> {
  const n = tx.steps.length;
  for (let i = tx.done; i < n; i++) {
    const step = tx.steps[i]!;
    const exec = executorOf(step);
    const committed = i > tx.commit;
    try {
      ctx.reporter.info(`  [${i + 1}/${n}] ${describeStep(step)}`);
      if (tx.undo.length <= i) {
        tx.undo[i] = await exec.observe(step, ctx) ?? null;
        await journal.write(tx);
      }
      crashPoint(ctx, i, 'before');
      await exec.do(step, ctx, tx.undo[i]);
      tx.done = i + 1;
      await journal.write(tx);
      crashPoint(ctx, i, 'after');
    } catch (err) {
      const where = `${subject(tx)}: step ${i + 1}/${n} ${describeStep(step)} failed: ${causeText(err)}`;
      if (committed) {
        throw new ParadropError('STEP_FAILED',
          `${where}; the ${tx.op} itself is done, this was its clean-up: fix the cause and run \`paradrop reconcile\` to finish it`,
          { value: describeStep(step), cause: err });
      }
      await rollBack(ctx, journal, tx);
      await journal.close();
      throw new ParadropError('STEP_FAILED', `${where}; rolled back, nothing was changed`,
        { value: describeStep(step), cause: err });
    }
  }
}

/** Runs a new transaction; the journal must be closed (recoverTransaction first). */
export async function runTransaction(ctx: EngineContext, spec: TransactionSpec): Promise<void> {
  const commit = spec.steps.findIndex((s) => s.kind === 'save-state');
  if (commit < 0) throw new ParadropError('JOURNAL_INVALID', `${subject(spec)}: a transaction needs a save-state step`);
  const journal = new Journal(ctx.settings.journalDir);
  const tx: Transaction = {
    version: 1, id: spec.id, op: spec.op, startedAt: ctx.now().toISOString(), steps: spec.steps, commit, undo: [], done: 0,
    ...(spec.chute === undefined ? {} : { chute: spec.chute }),
  };
  await journal.write(tx);
  await runFrom(ctx, journal, tx);
  await journal.close();
}

export interface RecoveryResult {
  op: string;
  chute?: string;
  outcome: 'rolled back' | 'finished';
}

/** Undoes or finishes what a crash left in the journal; null when there was nothing. */
export async function recoverTransaction(ctx: EngineContext): Promise<RecoveryResult | null> {
  const journal = new Journal(ctx.settings.journalDir);
  const tx = await journal.read();
  if (tx === null) return null;
  const how = recoveryOf(tx);
  ctx.reporter.info(`recovering an interrupted ${subject(tx)} (${tx.done}/${tx.steps.length} steps done): ${how}`);
  if (how === 'roll-forward') await runFrom(ctx, journal, tx);
  else await rollBack(ctx, journal, tx);
  await journal.close();
  log('recovered %s: %s', quote(tx.id), how);
  return { op: tx.op, ...(tx.chute === undefined ? {} : { chute: tx.chute }), outcome: how === 'roll-forward' ? 'finished' : 'rolled back' };
}
