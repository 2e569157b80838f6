// A test double of the Platform, for the pure-logic tests of the runner and the operations (the
// real one needs root and LXC; the system tests use it). It keeps containers, chute directories,
// UCI files and placed files in memory, logs every call, and fails a chosen call on demand.
import type { Platform } from '../../../src/platform/index.js';
import type { ContainerInfo, ContainerState } from '../../../src/platform/index.js';
import { ParadropError } from '../../../src/errors.js';

/** Thrown by a hanging call; wrapHangs turns it into a promise that never settles. */
class Hang extends Error {}

export interface FakeWorld {
  containers: Map<string, { config: string; state: ContainerState; pid: number }>;
  dirs: Map<string, 'unprepared' | 'prepared'>;
  uci: Map<string, string>;
  /** dataDir + chute path → content ('DIR' for a directory). */
  files: Map<string, string>;
  runFiles: Map<string, string>;
  limits: Map<string, Record<string, string>>;
  shaping: Map<string, string>;
  networkApplied: number;
}

export interface FakePlatform extends Platform {
  world: FakeWorld;
  calls: string[];
  /** Make the n-th (1-based) call of `method` fail; `times` failures (default 1). */
  failOn(method: string, nth?: number): void;
  /** Make the n-th call of `method` never return: the operation is stuck as if killed there. */
  hangOn(method: string, nth?: number): void;
}

export function fakePlatform(): FakePlatform {
  const world: FakeWorld = {
    containers: new Map(), dirs: new Map(), uci: new Map(), files: new Map(), runFiles: new Map(),
    limits: new Map(), shaping: new Map(), networkApplied: 0,
  };
  const calls: string[] = [];
  const failures = new Map<string, number>();
  const hangs = new Map<string, number>();
  const counts = new Map<string, number>();
  let nextPid = 1000;
  const call = (method: string, arg = ''): void | Promise<never> => {
    calls.push(arg === '' ? method : `${method} ${arg}`);
    const n = (counts.get(method) ?? 0) + 1;
    counts.set(method, n);
    if (failures.get(method) === n) throw new ParadropError('COMMAND_FAILED', `fake ${method} failed on purpose`);
    if (hangs.get(method) === n) throw new Hang();
  };
  const info = (name: string): ContainerInfo => {
    const c = world.containers.get(name);
    return c === undefined ? { name, state: 'ABSENT', pid: null, ips: [] }
      : { name, state: c.state, pid: c.state === 'RUNNING' || c.state === 'FROZEN' ? c.pid : null, ips: [] };
  };
  const p: FakePlatform = {
    world, calls,
    failOn(method, nth = 1) { failures.set(method, nth); },
    hangOn(method, nth = 1) { hangs.set(method, nth); },
    lxcPath: '/fake/lxc',
    network: {
      async apply() { call('network.apply'); world.networkApplied++; },
      async applyShaping(plans, pid) { call('network.applyShaping', String(pid)); world.shaping.set(String(pid), JSON.stringify(plans)); },
    },
    async containerInfo(name) { return info(name); },
    async listContainers() { return [...world.containers.keys()].sort().map(info); },
    async readContainerConfig(name) { return world.containers.get(name)?.config ?? null; },
    async createContainer(name, config) {
      call('createContainer', name);
      const c = world.containers.get(name);
      if (c) c.config = config;
      else world.containers.set(name, { config, state: 'STOPPED', pid: 0 });
    },
    async startContainer(name) {
      call('startContainer', name);
      const c = world.containers.get(name);
      if (!c) throw new ParadropError('CONTAINER_NOT_FOUND', `no ${name}`);
      if (c.state !== 'RUNNING') Object.assign(c, { state: 'RUNNING', pid: nextPid++ });
    },
    async stopContainer(name) {
      call('stopContainer', name);
      const c = world.containers.get(name);
      if (c) c.state = 'STOPPED';
    },
    async destroyContainer(name) { call('destroyContainer', name); world.containers.delete(name); },
    async freezeContainer(name) { call('freezeContainer', name); world.containers.get(name)!.state = 'FROZEN'; },
    async unfreezeContainer(name) { call('unfreezeContainer', name); world.containers.get(name)!.state = 'RUNNING'; },
    async setLimits(name, limits) { call('setLimits', name); world.limits.set(name, { ...limits.files }); },
    async readLimits(name, limits) { return { ...limits, files: world.limits.get(name) ?? Object.fromEntries(Object.keys(limits.files).map((f) => [f, 'old'])) }; },
    async readUsage() { throw new ParadropError('CGROUP_UNAVAILABLE', 'fake: no usage'); },
    async signalInit(name, signal) { call('signalInit', `${name} ${signal}`); },
    async chuteDirState(dir) { return world.dirs.get(dir) ?? 'none'; },
    async prepareChuteDirs(plan) { call('prepareChuteDirs', plan.name); world.dirs.set(plan.dir, 'prepared'); },
    async destroyChuteDirs(name, dir, keepData) {
      call('destroyChuteDirs', `${name}${keepData ? ' keep' : ''}`);
      if (keepData) world.dirs.set(dir, 'unprepared');
      else world.dirs.delete(dir);
      for (const k of [...world.files.keys()]) if (k.startsWith(`${dir}/`) && !keepData) world.files.delete(k);
    },
    async checkPrograms(plan) { call('checkPrograms', plan.name); },
    async readChuteStatus() { return []; },
    async listChuteDirs(chutesDir) {
      return [...world.dirs.keys()].filter((d) => d.startsWith(`${chutesDir}/`)).map((d) => d.slice(chutesDir.length + 1));
    },
    async fetchFile(file) { call('fetchFile', file.name); return { path: `/cache/${file.hash.hex}`, cached: true, bytes: 1 }; },
    async placeFile(cached, file, dataDir) { call('placeFile', file.path); world.files.set(`${dataDir}${file.path}`, cached); },
    async readUci(pkg) { return world.uci.get(pkg) ?? null; },
    async writeUci(pkg, text) { call('writeUci', pkg); if (text === null) world.uci.delete(pkg); else world.uci.set(pkg, text); },
    files: {
      async isDirectoryIn(dataDir, path) { return world.files.get(`${dataDir}${path}`) === 'DIR'; },
      async existsIn(dataDir, path) { return world.files.has(`${dataDir}${path}`); },
      async backupEntry(dataDir, path, backup) {
        const v = world.files.get(`${dataDir}${path}`);
        if (v === undefined) return false;
        world.files.set(`backup:${backup}`, v);
        return true;
      },
      async restoreEntry(dataDir, path, backup, existed) {
        if (!existed) { world.files.delete(`${dataDir}${path}`); return; }
        const b = world.files.get(`backup:${backup}`);
        if (b !== undefined) world.files.set(`${dataDir}${path}`, b);
      },
      async readRunFile(dir, name) { return world.runFiles.get(`${dir}/${name}`) ?? null; },
      async writeRunFile(dir, name, text) {
        call('writeRunFile', name);
        if (text === null) world.runFiles.delete(`${dir}/${name}`);
        else world.runFiles.set(`${dir}/${name}`, text);
      },
      async listChuteLogs() { return []; },
      async readLogFrom() { return { text: '', size: 0 }; },
      async tailLog() { return { text: '', size: 0 }; },
    },
    async removeTree(dir) {
      call('removeTree', dir);
      for (const k of [...world.files.keys()]) if (k.startsWith(`backup:${dir}`)) world.files.delete(k);
    },
  };
  // Every method: a Hang becomes a promise that never settles (the operation stops right there).
  const wrap = (obj: Record<string, unknown>): void => {
    for (const [k, v] of Object.entries(obj)) {
      if (typeof v !== 'function' || k === 'failOn' || k === 'hangOn') continue;
      obj[k] = (...args: unknown[]) => (v as (...a: unknown[]) => Promise<unknown>).apply(obj, args)
        .catch((err: unknown) => (err instanceof Hang ? new Promise(() => undefined) : Promise.reject(err)));
    }
  };
  wrap(p as unknown as Record<string, unknown>);
  wrap(p.network as unknown as Record<string, unknown>);
  wrap(p.files as unknown as Record<string, unknown>);
  return p;
}
