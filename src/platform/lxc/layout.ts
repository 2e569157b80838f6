// Where things live: the LXC path paradrop uses, the files of a chute's directory on the host, and
// the fixed paths inside every chute that the compiler's LXC config and chute-init agree on.
// Invariants: every host path of a chute is under its plan.dir; every in-chute path is absolute.
import { join } from 'node:path';

/**
 * paradrop keeps its containers in its own LXC path (passed as `-P`), not /var/lib/lxc: our
 * `pd-*` containers never mix with a user's own, `lxc-ls` there lists only ours, and removing
 * paradrop's state removes them all.
 */
export const DEFAULT_LXC_PATH = '/var/lib/paradrop/lxc';

/** Our mark on container names; what lacks it is never ours to touch. */
export const CONTAINER_PREFIX = 'pd-';

export interface LxcOptions {
  /** LXC path (`lxc-* -P`); default DEFAULT_LXC_PATH. */
  lxcPath?: string;
}

export function lxcPathOf(opts: LxcOptions | undefined): string {
  return opts?.lxcPath ?? DEFAULT_LXC_PATH;
}

/** Where chute-init is installed on the gateway (files/usr/lib/paradrop/chute-init). */
export const HOST_CHUTE_INIT = '/usr/lib/paradrop/chute-init';

/** Inside every chute. */
export const CHUTE_PATHS = {
  /** chute-init, bind-mounted read-only; lxc.init.cmd. */
  init: '/.paradrop/init',
  /** The programs file chute-init sources, bind-mounted read-only. */
  programs: '/.paradrop/programs',
  /** Writable: chute-init's status file, the engine's resources.json. */
  run: '/.paradrop/run',
  /** Program logs, one file per runtime entry. */
  logs: '/var/log/paradrop',
} as const;

/** PATH inside a chute, for chute-init and for checkProgramsExist alike. */
export const CHUTE_PATH_ENV = '/usr/sbin:/usr/bin:/sbin:/bin';

export interface ChuteLayout {
  dir: string;
  /** The chute's root: read-only, holds only mount points. */
  rootfs: string;
  /** Mount point of disk.img: the chute's only writable storage. */
  data: string;
  diskImage: string;
  /** Host side of CHUTE_PATHS.programs (outside the chute's disk, so a full disk can't stop a start). */
  programsFile: string;
  /** Host side of CHUTE_PATHS.run: on the chute's disk, so the chute can't fill the host through it. */
  runDir: string;
  statusFile: string;
  resourcesFile: string;
}

export function chuteLayout(dir: string): ChuteLayout {
  const data = join(dir, 'data');
  const runDir = join(data, '.paradrop', 'run');
  return {
    dir,
    rootfs: join(dir, 'rootfs'),
    data,
    diskImage: join(dir, 'disk.img'),
    programsFile: join(dir, 'programs'),
    runDir,
    statusFile: join(runDir, 'status'),
    resourcesFile: join(runDir, 'resources.json'),
  };
}
