// paradrop on OpenWrt runs chutes with cgroup v2 only (OpenWrt 21.02 and later mount just the
// unified tree). A hybrid mount (v1 controllers beside a controller-less cgroup2) would put
// limits where procd does not look and is refused with a message saying what to change.
// Where chutes live: LXC's default (lxc.cgroup.relative = 0) puts a root-started container at
// /lxc.payload.<name> under the root of the unified tree, outside procd's
// /services/paradrop/... cgroup of the daemon, so restarting or stopping the daemon (procd kills
// its whole cgroup) never touches a chute. chuteCgroupIsOutside checks that from the paths.
import { ParadropError } from '../../errors.js';
import type { CgroupLayout } from '../lxc/index.js';

export function checkOpenWrtCgroup(layout: Pick<CgroupLayout, 'mode'>): void {
  if (layout.mode === 'v2') return;
  if (layout.mode === 'hybrid') {
    throw new ParadropError('CGROUP_UNAVAILABLE',
      'paradrop refuses to run on a hybrid cgroup mount (cgroup v1 controllers beside cgroup2): chute limits would not be ' +
      'where procd and LXC look; boot with cgroup v2 only (OpenWrt 21.02 or later mounts only /sys/fs/cgroup as cgroup2; ' +
      'remove any cgroupfs-mount or v1 mounts)', { value: 'hybrid', expected: 'cgroup v2 only' });
  }
  throw new ParadropError('CGROUP_UNAVAILABLE',
    'paradrop needs cgroup v2 on OpenWrt (21.02 or later); this system mounts only cgroup v1', { value: layout.mode, expected: 'cgroup v2 only' });
}

/** The unified-tree path in /proc/<pid>/cgroup text ("0::/services/paradrop/instance1"). */
export function unifiedCgroupOf(procCgroup: string): string | undefined {
  const line = procCgroup.split('\n').find((l) => l.startsWith('0::'));
  return line === undefined ? undefined : line.slice(3).trim();
}

/** True when `chute` is not the daemon's cgroup nor below it. */
export function chuteCgroupIsOutside(daemon: string, chute: string): boolean {
  const d = daemon.replace(/\/+$/, '');
  return d === '' ? false : chute !== d && !chute.startsWith(`${d}/`);
}
