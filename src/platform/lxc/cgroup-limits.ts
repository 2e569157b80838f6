// Applies a chute's cgroup limits to its running container, live, and reads its usage: the "force"
// half of the request-then-force policy of set-resources.
// Invariants: we write exactly CgroupLimits.files (what the compiler decided and render shows),
// into the cgroup LXC put the container in; a limit for the wrong cgroup version is refused before
// anything is written.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CgroupLimits } from '../../plan/types.js';
import { ParadropError } from '../../errors.js';
import type { LxcOptions } from './layout.js';
import { containerInfo } from './container-state.js';
import { requireRunning } from './container.js';
import { detectCgroup } from './cgroup-detect.js';
import { cgroupFileDir, locateContainerCgroup, type ContainerCgroup } from './cgroup-locate.js';
import { readCgroupUsage, type CgroupUsage } from './cgroup-usage.js';

export async function containerCgroup(container: string, opts?: LxcOptions): Promise<ContainerCgroup> {
  const info = await containerInfo(container, opts);
  if (info.state !== 'FROZEN') requireRunning(container, info.state, 'measured');
  if (info.pid === null) throw new ParadropError('CONTAINER_NOT_RUNNING', `Container "${container}" reports no init pid`);
  return locateContainerCgroup(await detectCgroup(), container, info.pid);
}

export async function readContainerUsage(container: string, opts?: LxcOptions): Promise<CgroupUsage> {
  return readCgroupUsage(await containerCgroup(container, opts));
}

/** Writes each of limits.files into the container's cgroup. */
export async function setLimits(container: string, limits: CgroupLimits, opts?: LxcOptions): Promise<void> {
  await writeLimits(await containerCgroup(container, opts), limits);
}

/** Writes limits.files into the cgroup directories `cg` names (checked first, then written in order). */
export async function writeLimits(cg: ContainerCgroup, limits: CgroupLimits): Promise<void> {
  const container = cg.container;
  if (limits.version !== cg.version) {
    throw new ParadropError('CGROUP_UNAVAILABLE',
      `Container "${container}": limits were compiled for cgroup ${limits.version}, but this host uses ${cg.version} for limits`,
      { path: 'limits.version', value: limits.version, expected: cg.version });
  }
  for (const file of Object.keys(limits.files)) {
    if (!/^[a-z_]+\.[a-z0-9_.]+$/.test(file)) {
      throw new ParadropError('FIELD_INVALID', `Container "${container}": "${file}" is not a cgroup file name`,
        { path: `limits.files`, value: file, expected: 'controller.file, e.g. memory.max' });
    }
  }
  const targets = Object.entries(limits.files).map(([file, value]) => ({ file, value, dir: cgroupFileDir(cg, file) }));
  for (const { file, value, dir } of targets) {
    try {
      await writeFile(join(dir, file), value);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      // EBUSY on memory.limit_in_bytes: usage is above the new limit and cannot be reclaimed.
      throw new ParadropError('COMMAND_FAILED',
        `Container "${container}": writing ${value} to cgroup file ${file} failed (${code})`,
        { path: `limits.files.${file}`, value, expected: 'a value the kernel accepts', cause: err });
    }
  }
}
