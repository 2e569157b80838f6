// A chute's directories on the host, made and unmade:
//   plan.dir/disk.img    sparse ext4 image, plan.diskKiB KiB: the chute's only writable storage
//   plan.dir/data/       disk.img mounted (loop,nodev,nosuid): the writable dirs the config binds
//                        (etc/ root/ srv/ tmp/ var/ ...) and .paradrop/run (status, resources.json)
//   plan.dir/rootfs/     the chute's `/` (mounted read-only by LXC): mount points only
//   plan.dir/programs    the programs file, outside the disk so a full disk cannot stop a start
// Mount points and writable dirs are those the LXC config's lxc.mount.entry lines name.
// Invariants: both directions are idempotent; teardown asks mountinfo and losetup what is there,
// and refuses to delete anything while a mount remains under plan.dir (a forgotten bind of /usr
// must never turn into `rm -rf /usr`).
import { chmod, mkdir, open, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, posix, resolve } from 'node:path';
import type { ChutePlan } from '../../plan/types.js';
import { ParadropError } from '../../errors.js';
import { chuteLayout, type ChuteLayout } from './layout.js';
import { mountEntriesOf, type LxcMountEntry } from './lxc-config.js';
import { ensureDiskImage, mountDiskImage, unmountDiskImage } from './disk-image.js';
import { mountsUnder, readMountinfo } from './mountinfo.js';
import { mkdirUnder, writeFileUnder } from './safe-fs.js';
import { chuteEtcFiles } from './chute-etc.js';
import { chuteViewOf, hostPathOf } from './chute-view.js';
import { writeProgramsFile } from './programs-file.js';

/** Writable dirs that must let any user create files, as on any Unix. */
const STICKY_DIRS = new Set(['/tmp', '/var/tmp']);

function layoutOf(plan: ChutePlan): ChuteLayout {
  const dir = resolve(plan.dir);
  if (!isAbsolute(plan.dir) || dir.split('/').filter((c) => c !== '').length < 2) {
    throw new ParadropError('FIELD_INVALID', `Chute "${plan.name}": directory ${JSON.stringify(plan.dir)} is not safe to own`,
      { path: 'dir', value: plan.dir, expected: 'an absolute path at least two levels deep' });
  }
  return chuteLayout(dir);
}

/** Relative path of `p` under `base`, or undefined if it is not strictly below it. */
function below(base: string, p: string): string | undefined {
  const abs = resolve(p);
  return abs.startsWith(base + '/') ? abs.slice(base.length + 1) : undefined;
}

async function isHostFile(path: string): Promise<boolean> {
  const st = await stat(path).catch(() => null);
  return st !== null && !st.isDirectory();
}

/** The mount point inside rootfs (ours: the chute sees it read-only, so plain mkdir is safe). */
async function makeMountPoint(l: ChuteLayout, e: LxcMountEntry): Promise<void> {
  const point = join(l.rootfs, e.target);
  if (e.isFile || (e.isBind && (await isHostFile(e.source)))) {
    await mkdir(posix.dirname(point), { recursive: true, mode: 0o755 });
    await (await open(point, 'a', 0o644)).close();
  } else {
    await mkdir(point, { recursive: true, mode: 0o755 });
  }
}

/** Makes rootfs, the disk, the writable dirs, /etc and the programs file. */
export async function prepareChuteDirs(plan: ChutePlan): Promise<ChuteLayout> {
  const l = layoutOf(plan);
  const subject = `Chute "${plan.name}"`;
  for (const d of [l.dir, l.rootfs, l.data]) await mkdir(d, { recursive: true, mode: 0o755 });
  await ensureDiskImage(l.diskImage, plan.diskKiB, subject);
  await mountDiskImage(l.diskImage, l.data, subject);
  await chmod(l.data, 0o755);

  for (const d of ['proc', 'sys', 'dev']) await mkdir(join(l.rootfs, d), { recursive: true, mode: 0o755 });
  for (const e of mountEntriesOf(plan.lxcConfig)) {
    await makeMountPoint(l, e);
    const rel = e.isBind ? below(l.data, e.source) : undefined;
    if (rel === undefined || e.isFile) continue;
    const mode = STICKY_DIRS.has(e.target) ? 0o1777 : e.target === '/root' ? 0o700 : 0o755;
    await mkdirUnder(l.data, rel, mode);
  }
  await mkdirUnder(l.data, posix.relative(l.data, l.runDir));

  const etc = hostPathOf(chuteViewOf(plan), '/etc');
  const etcRel = etc === null ? undefined : below(l.data, etc);
  if (etcRel !== undefined) {
    for (const f of chuteEtcFiles(plan)) {
      await writeFileUnder(l.data, posix.join(etcRel, f.name), f.content, { mode: f.mode, replace: f.replace });
    }
  }
  await writeProgramsFile(plan);
  return l;
}

/**
 * Unmounts the disk (lazily if busy: call after the container stopped), detaches its loop device
 * and removes the chute's directories; with keepData, disk.img stays (and with it the chute's data).
 */
export async function destroyChuteDirs(plan: ChutePlan, opts: { keepData?: boolean } = {}): Promise<void> {
  const l = layoutOf(plan);
  const subject = `Chute "${plan.name}"`;
  await unmountDiskImage(l.diskImage, l.data, subject);
  const left = mountsUnder(await readMountinfo(), l.dir);
  if (left.length > 0) {
    throw new ParadropError('MOUNT_BUSY',
      `${subject}: ${left.map((m) => m.mountPoint).join(', ')} still mounted; nothing under ${l.dir} was removed`,
      { path: l.dir, value: left.map((m) => m.mountPoint), expected: 'no mounts under the chute directory' });
  }
  for (const p of [l.rootfs, l.data, l.programsFile, `${l.programsFile}.tmp`, `${l.diskImage}.new`]) {
    await rm(p, { recursive: true, force: true });
  }
  if (opts.keepData) return;
  await rm(l.diskImage, { force: true });
  await rm(l.dir, { recursive: true, force: true });
}
