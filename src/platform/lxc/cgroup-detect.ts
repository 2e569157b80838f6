// Finds out, at run time, how this host mounts cgroups: v1 (one hierarchy per controller group),
// v2 (one unified tree) or hybrid (v1 controllers plus a controller-less v2 mount, as on Debian 10+
// with systemd's hybrid mode, and on this test machine). Limits go where the controllers are:
// v1 files in v1 and hybrid mode, v2 files in v2 mode.
// Invariants: the answer comes from mountinfo, never from guessing paths.
import { readFile } from 'node:fs/promises';
import type { CgroupVersion } from '../../plan/types.js';
import { ParadropError } from '../../errors.js';
import { readMountinfo, type MountInfo } from './mountinfo.js';

export type CgroupMode = 'v1' | 'v2' | 'hybrid';

export interface CgroupMount {
  mountPoint: string;
  /** Root of the mount inside the hierarchy: paths in /proc/PID/cgroup are relative to it. */
  root: string;
}

export interface CgroupLayout {
  mode: CgroupMode;
  /** Version whose files carry limits (CgroupLimits.version must match). */
  limitsVersion: CgroupVersion;
  /** v1 controller (`memory`, `cpu`, ... and `name=systemd`) → its hierarchy. */
  v1: Record<string, CgroupMount>;
  /** The cgroup2 mount, if any. */
  unified?: CgroupMount;
  /** Controllers enabled at the root of the v2 tree (cgroup.controllers); empty in hybrid mode. */
  v2Controllers: string[];
}

const V1_CONTROLLERS = new Set([
  'cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'net_cls', 'net_prio', 'blkio',
  'perf_event', 'hugetlb', 'pids', 'rdma', 'misc',
]);

function better(old: CgroupMount | undefined, m: MountInfo): boolean {
  // A hierarchy may be mounted twice (a bind inside a container); prefer the one showing its root.
  return old === undefined || (old.root !== '/' && m.root === '/');
}

/** Pure: the layout from mountinfo entries and the v2 root's cgroup.controllers text. */
export function cgroupLayoutFrom(mounts: readonly MountInfo[], v2ControllersText = ''): CgroupLayout {
  const v1: Record<string, CgroupMount> = {};
  let unified: CgroupMount | undefined;
  for (const m of mounts) {
    if (m.fstype === 'cgroup2') {
      if (better(unified, m)) unified = { mountPoint: m.mountPoint, root: m.root };
    } else if (m.fstype === 'cgroup') {
      for (const opt of m.superOptions) {
        if (!V1_CONTROLLERS.has(opt) && !opt.startsWith('name=')) continue;
        if (better(v1[opt], m)) v1[opt] = { mountPoint: m.mountPoint, root: m.root };
      }
    }
  }
  const hasV1Controllers = Object.keys(v1).some((c) => V1_CONTROLLERS.has(c));
  const v2Controllers = v2ControllersText.split(/\s+/).filter((c) => c !== '');
  if (!hasV1Controllers && unified === undefined) {
    throw new ParadropError('CGROUP_UNAVAILABLE',
      'No cgroup file system is mounted (neither cgroup v1 controllers nor cgroup2 in /proc/self/mountinfo)',
      { path: '/proc/self/mountinfo', expected: 'cgroup v1 controllers or a cgroup2 mount' });
  }
  const mode: CgroupMode = !hasV1Controllers ? 'v2' : unified === undefined ? 'v1' : 'hybrid';
  const layout: CgroupLayout = { mode, limitsVersion: mode === 'v2' ? 'v2' : 'v1', v1, v2Controllers };
  if (unified !== undefined) layout.unified = unified;
  return layout;
}

/** Reads this host's cgroup layout. */
export async function detectCgroup(): Promise<CgroupLayout> {
  const mounts = await readMountinfo();
  const v2 = mounts.find((m) => m.fstype === 'cgroup2');
  let controllers = '';
  if (v2 !== undefined) {
    controllers = await readFile(`${v2.mountPoint}/cgroup.controllers`, 'utf8').catch(() => '');
  }
  return cgroupLayoutFrom(mounts, controllers);
}
