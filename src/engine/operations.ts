// The engine's operations: install (or update), remove, start, stop, restart, freeze, unfreeze,
// set-resources and reconcile. Each one, under the lock: finish or undo what a crash left in the
// journal, read the state, make the new state, observe the system, plan the steps from the one to
// the other (plan/diff.ts) and run them as one journaled transaction whose commit is the new state
// file. Operations decide the target; the planner decides the steps; executors touch the system.
// Used by the CLI verbs of the same names (src/cli/*.ts) and, later, the daemon's ubus methods.
import { join } from 'node:path';
import { MIN_MEMORY_BYTES } from '../chute/resource.js';
import type { Chute } from '../chute/types.js';
import { ParadropError, quote } from '../errors.js';
import { compile } from '../plan/compile.js';
import { canonicalJson, type ChuteChange, type CurrentWorld, planSteps } from '../plan/diff.js';
import type { RunState, Step } from '../plan/steps.js';
import { DEFAULT_CACHE_MAX_BYTES, pruneCache, referencedEntries, tidyAfterRecovery } from './housekeeping.js';
import { acquireLock } from './lock.js';
import { recoverTransaction, type RecoveryResult, runTransaction } from './runner.js';
import {
  allocationOf, type ChuteRecord, type EngineState, inputsOf, mergeOverrides, overridesAfterUpdate,
  type ResourceOverrides, serializeState, withChute,
} from './state.js';
import { loadState, type LoadedState } from './state-store.js';
import { chuteNames, compileState, observeWorld } from './world.js';
import type { EngineContext } from './types.js';

export interface OperationResult {
  op: string;
  chute?: string;
  /** Steps run (0: nothing needed doing). */
  steps: number;
  changes: ChuteChange[];
  /** What recovery did with a transaction a crash had left, before this operation ran. */
  recovered: RecoveryResult | null;
  /** Things worth telling (compile notes about this chute, kept overrides). */
  notes: string[];
}

interface Change {
  op: string;
  chute?: string;
  oldState: LoadedState;
  newState: EngineState;
  scope?: string[];
  keepData?: boolean;
  forceNetwork?: boolean;
  /** Run states for the target other than the recorded ones (restart's first half). */
  run?: Record<string, RunState>;
  /** Steps that go first, given what was observed (set-resources' request). */
  before?: (cur: CurrentWorld) => Step[];
  notes?: string[];
}

function transactionId(ctx: EngineContext): string {
  return `${ctx.now().toISOString().replace(/[-:.]/g, '')}-${process.pid}`;
}

/** Holds the lock, recovers the journal and tidies (housekeeping.ts), runs `body`, bounds the cache. */
async function underLock(ctx: EngineContext, op: string,
  body: (loaded: LoadedState, recovered: RecoveryResult | null) => Promise<OperationResult>): Promise<OperationResult> {
  const lock = await acquireLock(ctx.settings.lockFile, op, ctx.settings.lockTimeoutMs);
  try {
    const recovered = await recoverTransaction(ctx);
    await tidyAfterRecovery(ctx.settings);
    const result = await body(await loadState(ctx.settings), recovered);
    const after = await loadState(ctx.settings);
    // The operation is done: a cache that cannot be pruned now is pruned by the next one.
    await pruneCache(ctx.settings.cacheDir, referencedEntries(after.state), ctx.settings.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES)
      .catch((err: unknown) => ctx.reporter.info(`note: could not prune the file cache: ${err instanceof Error ? err.message : String(err)}`));
    return result;
  } finally {
    await lock.release();
  }
}

function notesAbout(notes: readonly string[], name: string): string[] {
  return notes.filter((n) => n.includes(quote(name)));
}

/** Plans old → new and runs the steps; returns without a transaction when nothing differs. */
async function applyChange(ctx: EngineContext, c: Change, recovered: RecoveryResult | null): Promise<OperationResult> {
  const settings = ctx.settings;
  const before = compileState(settings, c.oldState.state);
  const after = compileState(settings, c.newState, c.run);
  const cur = await observeWorld(ctx, before.plans, c.scope);
  const id = transactionId(ctx);
  const opts = {
    backupDir: join(settings.backupDir, id),
    ...(c.scope === undefined ? {} : { scope: c.scope }),
    ...(c.keepData === undefined ? {} : { keepData: c.keepData }),
    ...(c.forceNetwork === undefined ? {} : { forceNetwork: c.forceNetwork }),
  };
  const planned = planSteps(cur, after.world, opts);
  let steps = [...(c.before?.(cur) ?? []), ...planned.steps];
  let changes = planned.changes;
  let cleanup = planned.cleanup;
  if (c.run !== undefined) {
    // Restart: the first plan stops, the second starts again from the world the first leaves.
    const full = compileState(settings, c.newState);
    const stopped: CurrentWorld = { uci: after.world.uci, chutes: { ...cur.chutes } };
    for (const [name, t] of Object.entries(after.world.chutes)) {
      if (c.scope !== undefined && !c.scope.includes(name)) continue;
      stopped.chutes[name] = { name, container: t.plan.container, dir: t.plan.dir, lxcConfig: t.plan.lxcConfig, run: t.run, prepared: true, installed: t.plan };
    }
    const second = planSteps(stopped, full.world, opts);
    steps = [...steps, ...second.steps];
    changes = [...changes, ...second.changes];
    cleanup = [...cleanup, ...second.cleanup];
  }
  const text = serializeState(c.newState);
  if (changes.some((x) => x.fields.includes('diskKiB'))) {
    (c.notes ??= []).push('the new disk size takes effect only when the chute is installed afresh (remove, then install); its data is kept until then');
  }
  const result: OperationResult = {
    op: c.op, steps: 0, changes, recovered,
    notes: [...(c.notes ?? []), ...(c.chute === undefined ? after.desired.notes : notesAbout(after.desired.notes, c.chute))],
    ...(c.chute === undefined ? {} : { chute: c.chute }),
  };
  const unchanged = text === c.oldState.text || (c.oldState.text === null && Object.keys(c.newState.chutes).length === 0);
  if (steps.length === 0 && cleanup.length === 0 && unchanged) return result;
  const all: Step[] = [...steps, { kind: 'save-state', text }, ...cleanup];
  ctx.reporter.info(`${c.chute === undefined ? c.op : `${c.op} ${c.chute}`}: ${all.length} steps`);
  await runTransaction(ctx, { id, op: c.op, steps: all, ...(c.chute === undefined ? {} : { chute: c.chute }) });
  result.steps = all.length;
  return result;
}

function recordOf(state: EngineState, name: string): ChuteRecord {
  const rec = state.chutes[name];
  if (rec !== undefined) return rec;
  const names = Object.keys(state.chutes).sort();
  throw new ParadropError('CHUTE_NOT_FOUND',
    `chute ${quote(name)} is not installed (${names.length === 0 ? 'no chute is installed' : `installed: ${names.join(', ')}`}); see \`paradrop list\``,
    { value: name, expected: names.length === 0 ? 'an installed chute' : names.join(', ') });
}

/** `paradrop install`: a new chute, or an update of an installed one (its data is kept). */
export async function installChute(ctx: EngineContext, chute: Chute, source: string): Promise<OperationResult> {
  return underLock(ctx, 'install', async (loaded, recovered) => {
    const state = loaded.state;
    const now = ctx.now().toISOString();
    const existing = state.chutes[chute.name];
    if (existing !== undefined) return updateChute(ctx, loaded, existing, chute, source, now, recovered);
    const draft = compile(ctx.settings.profile, [...inputsOf(state), { chute }]);
    const { slot, subnets } = allocationOf(draft, chute.name, chute);
    const rec: ChuteRecord = { spec: chute, slot, subnets, desired: 'running', installedAt: now, updatedAt: now, source };
    return applyChange(ctx, { op: 'install', chute: chute.name, oldState: loaded, newState: withChute(state, chute.name, rec), scope: [chute.name] }, recovered);
  });
}

async function updateChute(ctx: EngineContext, loaded: LoadedState, existing: ChuteRecord, chute: Chute, source: string,
  now: string, recovered: RecoveryResult | null): Promise<OperationResult> {
  const state = loaded.state;
  const same = canonicalJson(existing.spec) === canonicalJson(chute);
  const overrides = overridesAfterUpdate(existing.spec, chute, existing.resourceOverrides);
  const { resourceOverrides: _dropped, ...base } = existing;
  const draft: ChuteRecord = same ? existing
    : { ...base, spec: chute, updatedAt: now, source, ...(overrides === undefined ? {} : { resourceOverrides: overrides }) };
  const compiled = compile(ctx.settings.profile, inputsOf(withChute(state, chute.name, draft)));
  const rec: ChuteRecord = { ...draft, subnets: allocationOf(compiled, chute.name, chute).subnets };
  const notes: string[] = [];
  if (!same) notes.push(`updating ${chute.name} from version ${existing.spec.version} to ${chute.version}; its data is kept`);
  const droppedKeys = JSON.stringify(existing.resourceOverrides ?? {}) !== JSON.stringify(overrides ?? {});
  if (droppedKeys) notes.push('resource values set with set-resources that the new version changes were replaced by the new version\'s');
  return applyChange(ctx, { op: same ? 'install' : 'update', chute: chute.name, oldState: loaded, newState: withChute(state, chute.name, rec), scope: [chute.name], notes }, recovered);
}

/** `paradrop remove NAME [--keep-data]`. */
export async function removeChute(ctx: EngineContext, name: string, opts: { keepData?: boolean } = {}): Promise<OperationResult> {
  return underLock(ctx, 'remove', async (loaded, recovered) => {
    recordOf(loaded.state, name);
    return applyChange(ctx, {
      op: 'remove', chute: name, oldState: loaded, newState: withChute(loaded.state, name, undefined), scope: [name],
      keepData: opts.keepData === true,
    }, recovered);
  });
}

export type RunVerb = 'start' | 'stop' | 'freeze' | 'unfreeze' | 'restart';

const DESIRED: Record<RunVerb, RunState> = { start: 'running', stop: 'stopped', freeze: 'frozen', unfreeze: 'running', restart: 'running' };

/** `paradrop start|stop|freeze|unfreeze|restart NAME`: changes what the chute should be doing. */
export async function setRunState(ctx: EngineContext, verb: RunVerb, name: string): Promise<OperationResult> {
  return underLock(ctx, verb, async (loaded, recovered) => {
    const rec = recordOf(loaded.state, name);
    if (verb === 'freeze' && rec.desired === 'stopped') {
      throw new ParadropError('CHUTE_STATE', `chute ${quote(name)} is stopped, so it cannot be frozen; start it first`,
        { value: rec.desired, expected: 'running' });
    }
    if (verb === 'unfreeze' && rec.desired === 'stopped') {
      throw new ParadropError('CHUTE_STATE', `chute ${quote(name)} is stopped, not frozen; use \`paradrop start ${name}\``,
        { value: rec.desired, expected: 'frozen' });
    }
    const desired = DESIRED[verb];
    const next = rec.desired === desired ? rec : { ...rec, desired, updatedAt: ctx.now().toISOString() };
    const change: Change = { op: verb, chute: name, oldState: loaded, newState: withChute(loaded.state, name, next), scope: [name] };
    if (verb === 'restart') change.run = { [name]: 'stopped' };
    return applyChange(ctx, change, recovered);
  });
}

/** The request a chute sees in /.paradrop/run/resources.json (set-resources' first half). */
export interface ResourceRequest {
  version: 1;
  /** The limits that will be forced at `deadline` (all of them, not only the changed ones). */
  cpuShares: number;
  memoryBytes: number;
  net: Record<string, { downKbps?: number; upKbps?: number }>;
  requestedAt: string;
  deadline: string;
}

/** `paradrop set-resources NAME ...`: request, wait the grace period, force; the values persist. */
export async function setResources(ctx: EngineContext, name: string, req: ResourceOverrides): Promise<OperationResult> {
  return underLock(ctx, 'set-resources', async (loaded, recovered) => {
    const rec = recordOf(loaded.state, name);
    if (req.memoryBytes !== undefined && req.memoryBytes < MIN_MEMORY_BYTES) {
      // Checked here, naming the chute: compile would only say it cannot compile the chute set.
      throw new ParadropError('FIELD_INVALID',
        `chute ${quote(name)}: memory ${req.memoryBytes} bytes is below the minimum of 4 MiB (${MIN_MEMORY_BYTES} bytes): a container cannot start its init and a program in less`,
        { path: '--memory', value: req.memoryBytes, expected: `at least 4M (${MIN_MEMORY_BYTES} bytes)` });
    }
    const ifaces = rec.spec.struct.net.map((n) => n.name);
    for (const iface of Object.keys(req.net ?? {})) {
      if (ifaces.includes(iface)) continue;
      throw new ParadropError('FIELD_INVALID',
        `chute ${quote(name)} has no interface ${quote(iface)} (${ifaces.length === 0 ? 'it has no network interfaces' : `its interfaces: ${ifaces.join(', ')}`})`,
        { path: '--net', value: iface, expected: ifaces.join(', ') || 'no --net for this chute' });
    }
    const next: ChuteRecord = { ...rec, resourceOverrides: mergeOverrides(rec.resourceOverrides, req), updatedAt: ctx.now().toISOString() };
    const newState = withChute(loaded.state, name, next);
    const plan = compileState(ctx.settings, newState).plans.get(name)!;
    const before = (cur: CurrentWorld): Step[] => {
      const c = cur.chutes[name];
      if (c === undefined || !c.prepared) return [];
      const now = ctx.now();
      const running = c.run === 'running';
      const request: ResourceRequest = {
        version: 1, cpuShares: plan.limits.cpuShares, memoryBytes: plan.limits.memoryBytes, net: {},
        requestedAt: now.toISOString(), deadline: new Date(now.getTime() + (running ? ctx.settings.graceMs : 0)).toISOString(),
      };
      for (const s of plan.shaping) {
        request.net[s.iface] = { ...(s.down ? { downKbps: s.down.kbps } : {}), ...(s.up ? { upKbps: s.up.kbps } : {}) };
      }
      const steps: Step[] = [{ kind: 'write-resource-request', chute: name, dir: plan.dir, text: `${JSON.stringify(request, null, 2)}\n` }];
      if (running) {
        steps.push({ kind: 'signal-chute', chute: name, container: plan.container, signal: 'SIGURG' });
        if (ctx.settings.graceMs > 0) steps.push({ kind: 'wait-grace', chute: name, ms: ctx.settings.graceMs });
      }
      return steps;
    };
    return applyChange(ctx, { op: 'set-resources', chute: name, oldState: loaded, newState, scope: [name], before }, recovered);
  });
}

/**
 * `paradrop reconcile` (and the daemon at start): finish or undo a crashed operation, then bring
 * every chute to its recorded state: containers made and started or stopped, orphans removed (their
 * data kept), UCI rewritten from a fresh compile, the network applied.
 */
export async function reconcile(ctx: EngineContext): Promise<OperationResult> {
  return underLock(ctx, 'reconcile', async (loaded, recovered) => {
    // The network first (every chute's bridge must exist before it starts), then one transaction
    // per chute, so that a chute that cannot be brought back does not hold the others up.
    const base = { op: 'reconcile', oldState: loaded, newState: loaded.state };
    const result = await applyChange(ctx, { ...base, scope: [], forceNetwork: true }, recovered);
    const failures: Array<{ name: string; err: unknown }> = [];
    for (const name of await chuteNames(ctx, compileState(ctx.settings, loaded.state).plans)) {
      try {
        const r = await applyChange(ctx, { ...base, chute: name, scope: [name] }, null);
        result.steps += r.steps;
        result.changes.push(...r.changes);
      } catch (err) {
        failures.push({ name, err });
      }
    }
    const first = failures[0];
    if (first !== undefined) {
      throw new ParadropError('STEP_FAILED',
        `reconcile: ${failures.length} chute${failures.length === 1 ? '' : 's'} could not be brought to the recorded state ` +
        `(the others were): ${failures.map((f) => `${f.name}: ${f.err instanceof Error ? f.err.message : String(f.err)}`).join('; ')}`,
        { value: failures.map((f) => f.name), cause: first.err });
    }
    return result;
  });
}
