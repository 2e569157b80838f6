// The planner: what is (observed on the gateway, plus the plans chutes were installed with) and
// what should be (compiled from the state the operation wants) → the steps that get from one to
// the other. Pure. Install is a diff from nothing, remove a diff to nothing; start, stop, freeze,
// set-resources and update change the target and come through here too, and so does reconcile.
//
// Identity: chutes are keyed by name (their container is `pd-<name>`), UCI sections by package
// and section name. Each field of a ChutePlan has a change class (PLAN_FIELD_CLASS, a Record over
// keyof ChutePlan, so a new field does not compile until someone classifies it): `none` (rewrite
// the config, nothing else), `live` (applied to the running container), `restart` (stop, change,
// start) or `recreate` (the container is made anew).
//
// What can't be observed is taken from the plan the chute was installed with (the state file):
// which files were placed, the programs, limits and shaping in force. What is observed: the LXC
// config text on disk, whether the container runs or is frozen, whether the chute's disk is
// mounted (prepared since boot), and paradrop's sections in the UCI files.
//
// Order of the steps: fetch (no change) → stop and destroy what goes away or restarts → prepare,
// place, check and (re)write configs → UCI and network → start, limits, shaping, freeze. What can't
// be undone (deleting a chute's directories, dropping backups) is returned as `cleanup`, which the
// engine runs only after the commit.
import type { ChuteFile } from '../chute/types.js';
import type { UciSectionSpec } from '../uci/model.js';
import type { RunState, Step } from './steps.js';
import type { ChutePlan, ShapingPlan, UciPackageName } from './types.js';

export type ChangeClass = 'none' | 'live' | 'restart' | 'recreate';

const CLASS_ORDER: Record<ChangeClass, number> = { none: 0, live: 1, restart: 2, recreate: 3 };

export const PLAN_FIELD_CLASS: Record<keyof ChutePlan, ChangeClass> = {
  // The key itself: a different name is a different chute, never a change of this one.
  name: 'recreate',
  // Informative; whatever a new version changes shows in the other fields.
  version: 'none',
  // Every device and section name derives from the slot; it is recorded at install and never moves.
  slot: 'recreate',
  container: 'recreate',
  // The chute's disk lives there.
  dir: 'recreate',
  // The disk image is kept on update (it holds the chute's data); a new size takes effect only
  // when the chute is installed afresh (growing a mounted ext4 image is left for later).
  diskKiB: 'none',
  // Read by lxc-start. Compared without comments and cgroup keys (see configCore): the comment
  // names the version, and the cgroup keys follow `limits`, which change live.
  lxcConfig: 'restart',
  // Veths and addresses are made by lxc-start (the bridge side is UCI, diffed on its own).
  interfaces: 'restart',
  limits: 'live',
  shaping: 'live',
  // chute-init reads the programs file when it starts.
  runtime: 'restart',
  // Placed while the chute is stopped, so no program sees half an update.
  files: 'restart',
};

export const UCI_PACKAGES: readonly UciPackageName[] = ['network', 'wireless', 'dhcp', 'firewall'];

export type UciSections = Record<UciPackageName, UciSectionSpec[]>;

export interface ObservedChute {
  name: string;
  container: string;
  dir: string;
  /** The container's LXC config as it is on disk; null: there is no container. */
  lxcConfig: string | null;
  /** `stopped` also when there is no container. */
  run: RunState;
  /** The chute's disk is mounted and its programs file is there (prepared since boot). */
  prepared: boolean;
  /** The plan it was installed with (from the state file); absent: not paradrop's any more (orphan). */
  installed?: ChutePlan;
}

export interface CurrentWorld {
  uci: UciSections;
  chutes: Record<string, ObservedChute>;
}

export interface TargetChute {
  plan: ChutePlan;
  run: RunState;
}

export interface TargetWorld {
  uci: UciSections;
  chutes: Record<string, TargetChute>;
}

export interface PlanOptions {
  /** Only these chutes are changed (UCI is always diffed whole); default: every chute on either side. */
  scope?: readonly string[];
  /** Where place-files keeps what it replaces (the engine's per-operation directory). */
  backupDir: string;
  /** Removal keeps disk.img (the chute's data). Orphans always keep it. */
  keepData?: boolean;
  /** Apply the network even when the UCI files already match (after a boot the kernel forgot it). */
  forceNetwork?: boolean;
}

export interface ChuteChange {
  chute: string;
  kind: 'create' | 'change' | 'remove';
  class: ChangeClass;
  /** Fields that differ (change only), for the log line saying why a chute restarts. */
  fields: Array<keyof ChutePlan>;
  run?: { from: RunState; to: RunState };
}

export interface PlannedSteps {
  steps: Step[];
  cleanup: Step[];
  changes: ChuteChange[];
}

/** JSON with sorted keys: plans from the state file and fresh ones compare equal when they are. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const o = v as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
  });
}

/** The LXC config without comments and cgroup keys: what a restart is needed for. */
export function configCore(text: string): string {
  return text.split('\n').filter((l) => !/^\s*(#|lxc\.cgroup2?\.)/.test(l) && l.trim() !== '').join('\n');
}

function fieldEqual(field: keyof ChutePlan, a: ChutePlan, b: ChutePlan): boolean {
  if (field === 'lxcConfig') return configCore(a.lxcConfig) === configCore(b.lxcConfig);
  return canonicalJson(a[field]) === canonicalJson(b[field]);
}

/** The fields of two plans of one chute that differ, and the strongest class among them. */
export function diffPlans(a: ChutePlan, b: ChutePlan): { class: ChangeClass; fields: Array<keyof ChutePlan> } {
  const fields = (Object.keys(PLAN_FIELD_CLASS) as Array<keyof ChutePlan>).filter((f) => !fieldEqual(f, a, b));
  const cls = fields.reduce<ChangeClass>((m, f) => (CLASS_ORDER[PLAN_FIELD_CLASS[f]] > CLASS_ORDER[m] ? PLAN_FIELD_CLASS[f] : m), 'none');
  return { class: cls, fields };
}

/** Files of `next` that are new or differ from every file of `prev` (unchanged ones stay as the chute left them). */
export function changedFiles(prev: readonly ChuteFile[], next: readonly ChuteFile[]): ChuteFile[] {
  const old = new Set(prev.map(canonicalJson));
  return next.filter((f) => !old.has(canonicalJson(f)));
}

/** Sections compared by name: the file keeps the order they were first written in. */
export function sectionsEqual(a: readonly UciSectionSpec[], b: readonly UciSectionSpec[]): boolean {
  if (a.length !== b.length) return false;
  const byName = new Map(a.map((s) => [s.name, canonicalJson(s)]));
  return b.every((s) => byName.get(s.name) === canonicalJson(s));
}

const isActive = (r: RunState): boolean => r !== 'stopped';

/** Steps collected per phase; concatenated in phase order at the end. */
class Phases {
  fetch: Step[] = [];
  stop: Step[] = [];
  destroy: Step[] = [];
  prepare: Step[] = [];
  start: Step[] = [];
  cleanup: Step[] = [];

  /** From `from` to `to`, for a container that exists with its current config. */
  transition(chute: string, plan: ChutePlan, from: RunState, to: RunState, previousShaping: readonly ShapingPlan[]): void {
    const container = plan.container;
    if (from === to) return;
    if (to === 'stopped') {
      this.stop.push({ kind: 'stop-container', chute, container, shaping: [...previousShaping] });
      return;
    }
    if (from === 'stopped') {
      this.start.push({ kind: 'start-container', chute, container });
      if (plan.shaping.length > 0) this.start.push({ kind: 'apply-shaping', chute, container, shaping: plan.shaping, previous: [] });
      if (to === 'frozen') this.start.push({ kind: 'freeze-container', chute, container });
      return;
    }
    this.start.push(to === 'frozen' ? { kind: 'freeze-container', chute, container } : { kind: 'unfreeze-container', chute, container });
  }

  all(): Step[] {
    return [...this.fetch, ...this.stop, ...this.destroy, ...this.prepare];
  }
}

function planCreate(p: Phases, t: TargetChute, c: ObservedChute | undefined, opts: PlanOptions): void {
  const plan = t.plan;
  const chute = plan.name;
  if (c && isActive(c.run)) p.stop.push({ kind: 'stop-container', chute, container: c.container, shaping: [] });
  if (plan.files.length > 0) p.fetch.push({ kind: 'fetch-files', chute, files: plan.files });
  p.prepare.push({ kind: 'prepare-dirs', chute, plan, previous: null });
  if (plan.files.length > 0) p.prepare.push({ kind: 'place-files', chute, dir: plan.dir, files: plan.files, backupDir: `${opts.backupDir}/${chute}` });
  p.prepare.push({ kind: 'check-programs', chute, plan });
  if (c?.lxcConfig !== plan.lxcConfig) p.prepare.push({ kind: 'create-container', chute, container: plan.container, lxcConfig: plan.lxcConfig });
  p.transition(chute, plan, 'stopped', t.run, []);
}

function planRemove(p: Phases, c: ObservedChute, opts: PlanOptions): void {
  const chute = c.name;
  if (isActive(c.run)) p.stop.push({ kind: 'stop-container', chute, container: c.container, shaping: c.installed?.shaping ?? [] });
  if (c.lxcConfig !== null) p.destroy.push({ kind: 'destroy-container', chute, container: c.container });
  const keepData = c.installed === undefined || opts.keepData === true;
  if (c.prepared || c.installed !== undefined) p.cleanup.push({ kind: 'destroy-dirs', chute, dir: c.dir, keepData });
}

function planChange(p: Phases, t: TargetChute, c: ObservedChute & { installed: ChutePlan }, opts: PlanOptions): ChuteChange {
  const plan = t.plan;
  const chute = plan.name;
  const old = c.installed;
  const d = diffPlans(old, plan);
  const change: ChuteChange = { chute, kind: 'change', class: d.class, fields: d.fields };
  if (c.run !== t.run) change.run = { from: c.run, to: t.run };
  if (d.class === 'recreate') {
    // A chute that moved (new slot or directory) is made anew; its old directory goes after the commit.
    if (isActive(c.run)) p.stop.push({ kind: 'stop-container', chute, container: c.container, shaping: old.shaping });
    if (c.lxcConfig !== null) p.destroy.push({ kind: 'destroy-container', chute, container: c.container });
    if (c.dir !== plan.dir) p.cleanup.push({ kind: 'destroy-dirs', chute, dir: c.dir, keepData: false });
    planCreate(p, t, undefined, opts);
    return change;
  }
  const restart = d.class === 'restart';
  const files = changedFiles(old.files, plan.files);
  if (files.length > 0) p.fetch.push({ kind: 'fetch-files', chute, files });
  if (restart && isActive(c.run)) p.stop.push({ kind: 'stop-container', chute, container: c.container, shaping: old.shaping });
  if (!c.prepared || restart) p.prepare.push({ kind: 'prepare-dirs', chute, plan, previous: c.prepared ? old : null });
  if (files.length > 0) p.prepare.push({ kind: 'place-files', chute, dir: plan.dir, files, backupDir: `${opts.backupDir}/${chute}` });
  if (restart) p.prepare.push({ kind: 'check-programs', chute, plan });
  if (c.lxcConfig !== plan.lxcConfig) p.prepare.push({ kind: 'create-container', chute, container: plan.container, lxcConfig: plan.lxcConfig });
  const from: RunState = restart ? 'stopped' : c.run;
  if (!restart && isActive(c.run) && isActive(t.run)) {
    if (d.fields.includes('limits')) p.start.push({ kind: 'set-limits', chute, container: plan.container, limits: plan.limits });
    if (d.fields.includes('shaping')) {
      p.start.push({ kind: 'apply-shaping', chute, container: plan.container, shaping: plan.shaping, previous: old.shaping });
    }
  }
  p.transition(chute, plan, from, t.run, old.shaping);
  return change;
}

export function planSteps(cur: CurrentWorld, target: TargetWorld, opts: PlanOptions): PlannedSteps {
  const all = new Set([...Object.keys(cur.chutes), ...Object.keys(target.chutes)]);
  const names = [...(opts.scope === undefined ? all : new Set(opts.scope))].filter((n) => all.has(n)).sort();
  const p = new Phases();
  const changes: ChuteChange[] = [];
  for (const name of names) {
    const c = cur.chutes[name];
    const t = target.chutes[name];
    if (t === undefined) {
      if (c === undefined) continue;
      planRemove(p, c, opts);
      changes.push({ chute: name, kind: 'remove', class: 'recreate', fields: [] });
    } else if (c?.installed === undefined) {
      planCreate(p, t, c, opts);
      changes.push({ chute: name, kind: 'create', class: 'recreate', fields: [], run: { from: 'stopped', to: t.run } });
    } else {
      const change = planChange(p, t, c as ObservedChute & { installed: ChutePlan }, opts);
      if (change.fields.length > 0 || change.run !== undefined) changes.push(change);
    }
  }

  const network: Step[] = [];
  for (const pkg of UCI_PACKAGES) {
    if (!sectionsEqual(cur.uci[pkg], target.uci[pkg])) network.push({ kind: 'write-uci', package: pkg, sections: target.uci[pkg] });
  }
  const anyUci = UCI_PACKAGES.some((pkg) => target.uci[pkg].length > 0);
  if (network.length > 0 || (opts.forceNetwork === true && anyUci)) network.push({ kind: 'apply-network' });

  const steps = [...p.all(), ...network, ...p.start];
  const cleanup = [...p.cleanup];
  if (steps.some((s) => s.kind === 'place-files')) cleanup.push({ kind: 'drop-backup', dir: opts.backupDir });
  return { steps, cleanup, changes };
}
