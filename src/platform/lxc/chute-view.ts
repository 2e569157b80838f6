// The chute's view of its file system, seen from the host: which host path backs a path inside the
// chute, following the LXC config's root and bind mounts, and resolving symlinks the way the chute
// would (an absolute link target starts at the chute's root, not the host's).
// Invariants: paths are never resolved against the host's root; a path on a non-bind mount (proc,
// tmpfs) has no host backing and resolves to null.
import { lstat, readlink } from 'node:fs/promises';
import { posix } from 'node:path';
import type { ChutePlan } from '../../plan/types.js';
import { mountEntriesOf, rootfsPathOf } from './lxc-config.js';
import { chuteLayout } from './layout.js';

export interface ChuteView {
  /** Host directory of the chute's `/`. */
  root: string;
  /** In config order: a later mount on the same target hides an earlier one. */
  mounts: Array<{ target: string; source: string | null }>;
}

export function chuteViewOf(plan: ChutePlan): ChuteView {
  return {
    root: rootfsPathOf(plan.lxcConfig) ?? chuteLayout(plan.dir).rootfs,
    mounts: mountEntriesOf(plan.lxcConfig).map((e) => ({ target: e.target, source: e.isBind ? e.source : null })),
  };
}

function within(path: string, target: string): boolean {
  return target === '/' || path === target || path.startsWith(target + '/');
}

/** Host path backing a chute path (no symlink resolution); null on a non-bind mount. */
export function hostPathOf(view: ChuteView, chutePath: string): string | null {
  const p = posix.normalize('/' + chutePath);
  let best: { target: string; source: string | null } | undefined;
  for (const m of view.mounts) {
    if (within(p, m.target) && (best === undefined || m.target.length >= best.target.length)) best = m;
  }
  if (best === undefined) return posix.join(view.root, p.slice(1));
  if (best.source === null) return null;
  return posix.join(best.source, p.slice(best.target.length));
}

function isMountPoint(view: ChuteView, chutePath: string): boolean {
  return view.mounts.some((m) => m.target === chutePath);
}

/**
 * Resolves symlinks in a chute path as the chute would; returns the host path of the final file,
 * or null if some component does not exist (or loops, or leaves the host-backed part).
 */
export async function resolveInChute(view: ChuteView, chutePath: string): Promise<string | null> {
  const todo = posix.normalize('/' + chutePath).split('/').filter((c) => c !== '');
  let cur = '/';
  let links = 0;
  while (todo.length > 0) {
    const c = todo.shift() as string;
    if (c === '.') continue;
    if (c === '..') { cur = posix.dirname(cur); continue; }
    const next = posix.join(cur, c);
    const host = hostPathOf(view, next);
    if (host === null) return null;
    // A mount point shows the mounted source, whose host-side links the kernel followed at mount time.
    if (!isMountPoint(view, next)) {
      const st = await lstat(host).catch(() => null);
      if (st === null) return null;
      if (st.isSymbolicLink()) {
        if (++links > 40) return null;
        const target = await readlink(host);
        todo.unshift(...target.split('/').filter((x) => x !== ''));
        if (target.startsWith('/')) cur = '/';
        continue;
      }
    }
    cur = next;
  }
  return hostPathOf(view, cur);
}
