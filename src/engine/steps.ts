// One executor per step kind, in a typed table: `observe` looks at what `do` is about to change
// (its result is the undo data, journaled and fsynced before `do` runs), `do` makes the change,
// `undo` puts back what `observe` saw. All three are idempotent, so recovery may repeat them.
// Steps after the commit (destroy-dirs, drop-backup) have no undo: they only run once the
// operation is decided.
import { basename, join, posix } from 'node:path';
import type { ChuteFile } from '../chute/types.js';
import { InternalError } from '../errors.js';
import type { Step, StepKind } from '../plan/steps.js';
import type { CgroupLimits, ShapingPlan, UciPackageName } from '../plan/types.js';
import { parseUci, replaceOwnedSections } from '../uci/index.js';
import type { UciConfigSet } from '../platform/index.js';
import { chuteLayout } from '../platform/lxc/layout.js';
import { UCI_PACKAGES } from '../plan/diff.js';
import { readStateText, storeStateText } from './state-store.js';
import type { EngineContext } from './types.js';

export interface Executor<S extends Step> {
  observe(step: S, ctx: EngineContext): Promise<unknown>;
  do(step: S, ctx: EngineContext, undo: unknown): Promise<void>;
  undo(step: S, undo: unknown, ctx: EngineContext): Promise<void>;
}

type Executors = { [K in StepKind]: Executor<Extract<Step, { kind: K }>> };

const nothing = async (): Promise<unknown> => null;
const noUndo = async (): Promise<void> => undefined;

/** paradrop's UCI sections are the named ones starting with `pd_` (house style: our mark). */
export const isOwnedSection = (s: { name: string; anonymous: boolean }): boolean => !s.anonymous && s.name.startsWith('pd_');

/** The four UCI packages as they are on disk now. */
export async function readUciSet(ctx: EngineContext): Promise<UciConfigSet> {
  const out: Partial<UciConfigSet> = {};
  for (const pkg of UCI_PACKAGES) out[pkg] = parseUci((await ctx.platform.readUci(pkg)) ?? '', pkg);
  return out as UciConfigSet;
}

/** The network follows the UCI files; with no paradrop section left, whatever the applier made goes. */
async function applyNetwork(ctx: EngineContext): Promise<void> {
  const config = await readUciSet(ctx);
  const net = ctx.platform.network;
  const ours = UCI_PACKAGES.some((pkg) => config[pkg].sections.some((s) => isOwnedSection(s)));
  if (!ours && net.removeAll !== undefined) await net.removeAll();
  else await net.apply(config, ctx.settings.profile);
}

type Run = 'RUNNING' | 'FROZEN' | 'OTHER';

async function runOf(ctx: EngineContext, container: string): Promise<Run> {
  const s = (await ctx.platform.containerInfo(container)).state;
  if (s === 'RUNNING' || s === 'STARTING') return 'RUNNING';
  if (s === 'FROZEN' || s === 'FREEZING') return 'FROZEN';
  return 'OTHER';
}

async function applyShaping(ctx: EngineContext, container: string, shaping: readonly ShapingPlan[]): Promise<void> {
  const info = await ctx.platform.containerInfo(container);
  if (info.pid === null) return;
  await ctx.platform.network.applyShaping(shaping, info.pid);
}

/** Brings a container back to a run state it was observed in. */
async function restoreRun(ctx: EngineContext, container: string, was: Run, shaping: readonly ShapingPlan[]): Promise<void> {
  const p = ctx.platform;
  if (was === 'OTHER') {
    await p.stopContainer(container);
    return;
  }
  await p.startContainer(container);
  if (shaping.length > 0) await applyShaping(ctx, container, shaping);
  if (was === 'FROZEN') await p.freezeContainer(container);
}

interface PlacedFile {
  file: ChuteFile;
  /** Where it goes in the chute, after the directory rule. */
  path: string;
  backup: string;
  existed: boolean;
}

/**
 * The directory rule: a plain (not extracted) file whose path names a directory in the chute is
 * placed inside it under its location's base name ({"path": "/root", "location":
 * "@paradrop.server(seccam.py)"} → /root/seccam.py).
 */
async function placedPath(ctx: EngineContext, dataDir: string, f: ChuteFile): Promise<string> {
  if (f.extract || !(await ctx.platform.files.isDirectoryIn(dataDir, f.path))) return f.path;
  const loc = f.location;
  const base = loc.kind === 'url' ? basename(new URL(loc.url).pathname) : posix.basename(loc.path);
  return posix.join(f.path, base || f.name);
}

const executors: Executors = {
  'fetch-files': {
    observe: nothing,
    async do(s, ctx) {
      for (const f of s.files) {
        const r = await ctx.platform.fetchFile(f, ctx.reporter.progress?.bind(ctx.reporter));
        ctx.reporter.info(`  ${r.cached ? 'cached' : 'fetched'} ${JSON.stringify(f.name)} (${r.bytes} bytes)`);
      }
    },
    undo: noUndo,
  },
  'prepare-dirs': {
    observe: async (s, ctx) => ctx.platform.chuteDirState(s.plan.dir),
    async do(s, ctx) { await ctx.platform.prepareChuteDirs(s.plan); },
    async undo(s, was, ctx) {
      if (was === 'none') await ctx.platform.destroyChuteDirs(s.chute, s.plan.dir, false);
      else if (was === 'unprepared') await ctx.platform.destroyChuteDirs(s.chute, s.plan.dir, true);
      else if (s.previous !== null) await ctx.platform.prepareChuteDirs(s.previous);
    },
  },
  'place-files': {
    async observe(s, ctx): Promise<PlacedFile[]> {
      const data = chuteLayout(s.dir).data;
      const out: PlacedFile[] = [];
      for (const [i, file] of s.files.entries()) {
        const path = await placedPath(ctx, data, file);
        // Also refuses links on the way, before anything changes.
        const existed = await ctx.platform.files.existsIn(data, path);
        out.push({ file, path, backup: join(s.backupDir, String(i)), existed });
      }
      return out;
    },
    async do(s, ctx, undo) {
      const placed = undo as PlacedFile[];
      const data = chuteLayout(s.dir).data;
      // Every backup is complete before anything is placed (see restoreEntry).
      for (const p of placed) await ctx.platform.files.backupEntry(data, p.path, p.backup);
      for (const p of placed) {
        const cached = await ctx.platform.fetchFile(p.file);
        await ctx.platform.placeFile(cached.path, { ...p.file, path: p.path }, data);
      }
    },
    async undo(s, undo, ctx) {
      const data = chuteLayout(s.dir).data;
      if ((await ctx.platform.chuteDirState(s.dir)) !== 'prepared') return;
      for (const p of [...(undo as PlacedFile[])].reverse()) await ctx.platform.files.restoreEntry(data, p.path, p.backup, p.existed);
    },
  },
  'check-programs': {
    observe: nothing,
    async do(s, ctx) { await ctx.platform.checkPrograms(s.plan); },
    undo: noUndo,
  },
  'create-container': {
    observe: async (s, ctx) => ctx.platform.readContainerConfig(s.container),
    async do(s, ctx) { await ctx.platform.createContainer(s.container, s.lxcConfig); },
    async undo(s, previous, ctx) {
      if (previous === null) await ctx.platform.destroyContainer(s.container);
      else await ctx.platform.createContainer(s.container, previous as string);
    },
  },
  'start-container': {
    observe: async (s, ctx) => runOf(ctx, s.container),
    async do(s, ctx) { await ctx.platform.startContainer(s.container); },
    async undo(s, was, ctx) { await restoreRun(ctx, s.container, was as Run, []); },
  },
  'stop-container': {
    observe: async (s, ctx) => runOf(ctx, s.container),
    async do(s, ctx) { await ctx.platform.stopContainer(s.container); },
    async undo(s, was, ctx) { await restoreRun(ctx, s.container, was as Run, s.shaping); },
  },
  'freeze-container': {
    observe: async (s, ctx) => runOf(ctx, s.container),
    async do(s, ctx) { await ctx.platform.freezeContainer(s.container); },
    async undo(s, was, ctx) { if (was === 'RUNNING') await ctx.platform.unfreezeContainer(s.container); },
  },
  'unfreeze-container': {
    observe: async (s, ctx) => runOf(ctx, s.container),
    async do(s, ctx) { await ctx.platform.unfreezeContainer(s.container); },
    async undo(s, was, ctx) { if (was === 'FROZEN') await ctx.platform.freezeContainer(s.container); },
  },
  'set-limits': {
    observe: async (s, ctx) => ctx.platform.readLimits(s.container, s.limits),
    async do(s, ctx) { await ctx.platform.setLimits(s.container, s.limits); },
    async undo(s, previous, ctx) {
      if ((await runOf(ctx, s.container)) === 'OTHER') return;
      await ctx.platform.setLimits(s.container, previous as CgroupLimits);
    },
  },
  'apply-shaping': {
    observe: nothing,
    async do(s, ctx) { await applyShaping(ctx, s.container, s.shaping); },
    async undo(s, _u, ctx) {
      if ((await runOf(ctx, s.container)) === 'OTHER') return;
      await applyShaping(ctx, s.container, s.previous);
    },
  },
  'destroy-container': {
    observe: async (s, ctx) => ({ config: await ctx.platform.readContainerConfig(s.container), run: await runOf(ctx, s.container) }),
    async do(s, ctx) { await ctx.platform.destroyContainer(s.container); },
    async undo(s, was, ctx) {
      const w = was as { config: string | null; run: Run };
      if (w.config === null) return;
      await ctx.platform.createContainer(s.container, w.config);
      if (w.run !== 'OTHER') await restoreRun(ctx, s.container, w.run, []);
    },
  },
  'write-uci': {
    observe: async (s, ctx) => ctx.platform.readUci(s.package),
    async do(s, ctx, previous) {
      const text = replaceOwnedSections((previous as string | null) ?? '', s.package, s.sections, isOwnedSection);
      // A file that held only paradrop's sections goes with them (plain Linux: the files are ours).
      await ctx.platform.writeUci(s.package, text === '' ? null : text);
    },
    async undo(s, previous, ctx) {
      await ctx.platform.writeUci(s.package as UciPackageName, previous as string | null);
      // The network follows the files: apply what is on disk again (apply-network has no undo of its own).
      await applyNetwork(ctx);
    },
  },
  'apply-network': {
    observe: nothing,
    async do(_s, ctx) { await applyNetwork(ctx); },
    // The write-uci steps before it re-apply the network as they put their files back.
    undo: noUndo,
  },
  'destroy-dirs': {
    observe: nothing,
    async do(s, ctx) { await ctx.platform.destroyChuteDirs(s.chute, s.dir, s.keepData); },
    undo: async () => { throw new InternalError('destroy-dirs runs only after the commit and has no undo'); },
  },
  'write-resource-request': {
    observe: async (s, ctx) => ctx.platform.files.readRunFile(s.dir, 'resources.json'),
    async do(s, ctx) { await ctx.platform.files.writeRunFile(s.dir, 'resources.json', s.text); },
    async undo(s, previous, ctx) {
      if ((await ctx.platform.chuteDirState(s.dir)) !== 'prepared') return;
      await ctx.platform.files.writeRunFile(s.dir, 'resources.json', previous as string | null);
    },
  },
  'signal-chute': {
    observe: nothing,
    async do(s, ctx) { await ctx.platform.signalInit(s.container, s.signal); },
    undo: noUndo,
  },
  'wait-grace': {
    observe: nothing,
    async do(s) { await new Promise((r) => setTimeout(r, s.ms)); },
    undo: noUndo,
  },
  'save-state': {
    observe: async (_s, ctx) => readStateText(ctx.settings),
    async do(s, ctx) { await storeStateText(ctx.settings, s.text); },
    async undo(_s, previous, ctx) { await storeStateText(ctx.settings, previous as string | null); },
  },
  'drop-backup': {
    observe: nothing,
    async do(s, ctx) { await ctx.platform.removeTree(s.dir); },
    undo: async () => { throw new InternalError('drop-backup runs only after the commit and has no undo'); },
  },
};

export function executorOf<S extends Step>(step: S): Executor<S> {
  return executors[step.kind] as unknown as Executor<S>;
}
