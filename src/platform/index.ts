// The Platform: everything the engine may do to the system, assembled for the running system from
// the LXC layer, the file fetcher, the UCI files and a network applier. The engine receives one as
// a parameter and never touches the system otherwise (house style: "One interface, observe() and
// the step executors"). Every call is idempotent and bounded in time, like the layers below.
// Invariants: only `pd-` containers in our LXC path, only paradrop's UCI config directory, only
// chute directories the engine names.
import { access, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChuteFile } from '../chute/types.js';
import type { CgroupLimits, ChutePlan, UciPackageName } from '../plan/types.js';
import { ParadropError } from '../errors.js';
import * as lxc from './lxc/index.js';
import { cgroupFileDir } from './lxc/cgroup-locate.js';
import { readMountinfo } from './lxc/mountinfo.js';
import { fetchToCache, placeFile, type FetchResult, type Progress, type Store } from './fetch/index.js';
import type { NetworkApplier } from './network-applier.js';
import { restoreDurable } from './durable-file.js';
import {
  backupEntry, existsIn, isDirectoryIn, listChuteLogs, readLogFrom, readRunFile, restoreEntry, tailLog, writeRunFile,
} from './chute-files.js';

export type { NetworkApplier, UciConfigSet } from './network-applier.js';
export type { ContainerInfo, ContainerState, CgroupUsage, ProgramStatus } from './lxc/index.js';

/** What is on disk of a chute: nothing, its directory or kept disk only, or prepared (disk mounted, programs file written). */
export type ChuteDirState = 'none' | 'unprepared' | 'prepared';

export interface Platform {
  network: NetworkApplier;
  lxcPath: string;
  containerInfo(container: string): Promise<lxc.ContainerInfo>;
  listContainers(): Promise<lxc.ContainerInfo[]>;
  /** The container's LXC config text; null when there is no container. */
  readContainerConfig(container: string): Promise<string | null>;
  createContainer(container: string, lxcConfig: string): Promise<void>;
  startContainer(container: string): Promise<void>;
  stopContainer(container: string): Promise<void>;
  /** Stops it and removes its config directory. */
  destroyContainer(container: string): Promise<void>;
  freezeContainer(container: string): Promise<void>;
  unfreezeContainer(container: string): Promise<void>;
  setLimits(container: string, limits: CgroupLimits): Promise<void>;
  /** The values the container's cgroup holds now for the files `limits` names (to put them back). */
  readLimits(container: string, limits: CgroupLimits): Promise<CgroupLimits>;
  readUsage(container: string): Promise<lxc.CgroupUsage>;
  signalInit(container: string, signal: NodeJS.Signals): Promise<void>;
  chuteDirState(dir: string): Promise<ChuteDirState>;
  prepareChuteDirs(plan: ChutePlan): Promise<void>;
  destroyChuteDirs(name: string, dir: string, keepData: boolean): Promise<void>;
  checkPrograms(plan: ChutePlan): Promise<void>;
  readChuteStatus(dir: string): Promise<lxc.ProgramStatus[]>;
  /** Subdirectories of `chutesDir` (chute directories, including kept data of removed chutes). */
  listChuteDirs(chutesDir: string): Promise<string[]>;
  fetchFile(file: ChuteFile, onProgress?: (p: Progress) => void): Promise<FetchResult>;
  placeFile(cachedPath: string, file: ChuteFile, dataDir: string): Promise<void>;
  readUci(pkg: UciPackageName): Promise<string | null>;
  /** Durable write of a UCI file (null removes it). */
  writeUci(pkg: UciPackageName, text: string | null): Promise<void>;
  /** Files on a chute's disk (chute-files.ts): backups, the run directory, logs. */
  files: ChuteFiles;
  /** Removes a directory tree of paradrop's own (backups); missing is fine. */
  removeTree(dir: string): Promise<void>;
}

export interface ChuteFiles {
  isDirectoryIn: typeof isDirectoryIn;
  existsIn: typeof existsIn;
  backupEntry: typeof backupEntry;
  restoreEntry: typeof restoreEntry;
  readRunFile: typeof readRunFile;
  writeRunFile: typeof writeRunFile;
  listChuteLogs: typeof listChuteLogs;
  readLogFrom: typeof readLogFrom;
  tailLog: typeof tailLog;
}

export interface PlatformOptions {
  lxcPath: string;
  cacheDir: string;
  store: Store;
  /** UCI config directory (/etc/config on OpenWrt; <stateDir>/config on plain Linux). */
  configDir: string;
  fetchTimeoutMs: number;
  maxFileBytes: number;
  network: NetworkApplier;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

/** lxc's functions take a ChutePlan but read only these fields of it. */
function partialPlan(fields: Partial<ChutePlan>): ChutePlan {
  return fields as ChutePlan;
}

export function createPlatform(o: PlatformOptions): Platform {
  const opts = { lxcPath: o.lxcPath };
  return {
    network: o.network,
    lxcPath: o.lxcPath,
    containerInfo: (c) => lxc.containerInfo(c, opts),
    listContainers: () => lxc.listContainers(opts),
    readContainerConfig: async (c) => readFile(join(o.lxcPath, c, 'config'), 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
      throw err;
    }),
    createContainer: (container, lxcConfig) => lxc.createContainer(partialPlan({ container, lxcConfig }), opts),
    startContainer: (c) => lxc.startContainer(c, opts),
    stopContainer: (c) => lxc.stopContainer(c, 10, opts),
    destroyContainer: (c) => lxc.destroyContainer(c, opts),
    freezeContainer: (c) => lxc.freezeContainer(c, opts),
    unfreezeContainer: (c) => lxc.unfreezeContainer(c, opts),
    setLimits: (c, limits) => lxc.setLimits(c, limits, opts),
    async readLimits(c, limits) {
      const cg = await lxc.containerCgroup(c, opts);
      const files: Record<string, string> = {};
      for (const file of Object.keys(limits.files)) {
        files[file] = (await readFile(join(cgroupFileDir(cg, file), file), 'utf8')).trim();
      }
      return { ...limits, files };
    },
    readUsage: (c) => lxc.readContainerUsage(c, opts),
    signalInit: (c, signal) => lxc.signalContainerInit(c, signal, opts),
    async chuteDirState(dir) {
      if (!(await exists(dir))) return 'none';
      const l = lxc.chuteLayout(dir);
      const mounted = (await readMountinfo()).some((m) => m.mountPoint === l.data);
      return mounted && (await exists(l.programsFile)) ? 'prepared' : 'unprepared';
    },
    prepareChuteDirs: async (plan) => { await lxc.prepareChuteDirs(plan); },
    destroyChuteDirs: (name, dir, keepData) => lxc.destroyChuteDirs(partialPlan({ name, dir }), { keepData }),
    checkPrograms: (plan) => lxc.checkProgramsExist(plan),
    readChuteStatus: (dir) => lxc.readChuteStatus(partialPlan({ dir })),
    async listChuteDirs(chutesDir) {
      const entries = await readdir(chutesDir, { withFileTypes: true }).catch(() => []);
      return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
    },
    fetchFile: (file, onProgress) => fetchToCache(file, {
      store: o.store, cacheDir: o.cacheDir, timeoutMs: o.fetchTimeoutMs, maxBytes: o.maxFileBytes,
      ...(onProgress === undefined ? {} : { onProgress }),
    }),
    placeFile: async (cached, file, dataDir) => { await placeFile(cached, file, dataDir); },
    readUci: async (pkg) => readFile(join(o.configDir, pkg), 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw new ParadropError('IO_ERROR', `cannot read UCI file ${join(o.configDir, pkg)}: ${err.code}`, { cause: err });
    }),
    writeUci: (pkg, text) => restoreDurable(join(o.configDir, pkg), text, 0o644),
    files: { isDirectoryIn, existsIn, backupEntry, restoreEntry, readRunFile, writeRunFile, listChuteLogs, readLogFrom, tailLog },
    removeTree: (dir) => rm(dir, { recursive: true, force: true }),
  };
}
