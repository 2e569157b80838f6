// Finds a running container's cgroup directories from its init's /proc/PID/cgroup, so we read and
// write the same cgroup LXC put the limits on, whatever the host's layout or lxc.cgroup.dir.
// Invariants: a returned directory is under the matching mount; paths are never guessed from the
// container name alone.
import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import type { CgroupVersion } from '../../plan/types.js';
import { ParadropError } from '../../errors.js';
import type { CgroupLayout, CgroupMount } from './cgroup-detect.js';

export interface ContainerCgroup {
  container: string;
  /** Version whose files hold the container's limits and usage. */
  version: CgroupVersion;
  /** v1 controller → directory (all controllers in v1/hybrid; empty in v2). */
  v1: Record<string, string>;
  /** The container's directory in the unified tree (v2 mode; also set in hybrid, without controllers). */
  unified?: string;
}

/**
 * LXC (4.0+) puts limits on `lxc.payload.NAME`. If something inside the chute moved init into a
 * child cgroup, /proc/PID/cgroup shows the child; we still want the cgroup that carries the limit.
 */
function limitCgroupPath(path: string, container: string): string {
  const parts = path.split('/');
  const i = parts.lastIndexOf(`lxc.payload.${container}`);
  return i < 0 ? path : parts.slice(0, i + 1).join('/');
}

function dirIn(mount: CgroupMount, path: string): string | undefined {
  const root = mount.root === '/' ? '' : mount.root;
  if (root !== '' && path !== root && !path.startsWith(root + '/')) return undefined;
  return posix.join(mount.mountPoint, path.slice(root.length));
}

/** Pure: the container's cgroup directories from its init's /proc/PID/cgroup text. */
export function containerCgroupFrom(layout: CgroupLayout, procCgroup: string, container: string): ContainerCgroup {
  const out: ContainerCgroup = { container, version: layout.limitsVersion, v1: {} };
  for (const line of procCgroup.split('\n')) {
    const m = /^(\d+):([^:]*):(.*)$/.exec(line.trim());
    if (m === null) continue;
    const [, id, controllers, rawPath] = m as unknown as [string, string, string, string];
    const path = limitCgroupPath(rawPath, container);
    if (id === '0' && controllers === '') {
      const dir = layout.unified && dirIn(layout.unified, path);
      if (dir) out.unified = dir;
      continue;
    }
    for (const c of controllers.split(',')) {
      const mount = layout.v1[c];
      const dir = mount && dirIn(mount, path);
      if (dir) out.v1[c] = dir;
    }
  }
  if (out.version === 'v2' ? out.unified === undefined : Object.keys(out.v1).length === 0) {
    throw new ParadropError('CGROUP_UNAVAILABLE',
      `Container "${container}": its cgroup was not found under the host's ${layout.mode} cgroup mounts`,
      { value: procCgroup.trim(), expected: `a ${out.version} cgroup path under a mounted hierarchy` });
  }
  return out;
}

/** Reads /proc/PID/cgroup of the container's init. */
export async function locateContainerCgroup(layout: CgroupLayout, container: string, initPid: number): Promise<ContainerCgroup> {
  let text: string;
  try {
    text = await readFile(`/proc/${initPid}/cgroup`, 'utf8');
  } catch (err) {
    throw new ParadropError('CONTAINER_NOT_RUNNING',
      `Container "${container}": its init (pid ${initPid}) is gone, so its cgroup cannot be read`,
      { value: initPid, expected: 'a running container', cause: err });
  }
  return containerCgroupFrom(layout, text, container);
}

/** Directory holding a cgroup file (`memory.max`, `cpu.shares`) of this container. */
export function cgroupFileDir(cg: ContainerCgroup, file: string): string {
  if (cg.version === 'v2') {
    if (cg.unified === undefined) throw new ParadropError('CGROUP_UNAVAILABLE', `Container "${cg.container}" has no v2 cgroup`);
    return cg.unified;
  }
  const controller = file.slice(0, file.indexOf('.'));
  const dir = cg.v1[controller];
  if (dir === undefined) {
    throw new ParadropError('CGROUP_UNAVAILABLE',
      `Container "${cg.container}": cgroup file "${file}" needs the v1 "${controller}" controller, which is not mounted`,
      { path: file, value: controller, expected: `one of ${Object.keys(cg.v1).sort().join(', ')}` });
  }
  return dir;
}
