// A chute's disk: a sparse ext4 image, loop-mounted nodev,nosuid on the chute's data directory, so
// the chute can write at most its size and the host's disk is untouched when it fills up.
// Invariants: the image is formatted under a temporary name and renamed when complete, so a crash
// never leaves a half-made file system called disk.img; mount state is read from mountinfo and
// `losetup -j`, never remembered; a mount on the data directory that is not our image is refused.
import { open, rename, rm, access } from 'node:fs/promises';
import { ParadropError } from '../../errors.js';
import { runTool } from './run-tool.js';
import { mountsUnder, readMountinfo } from './mountinfo.js';
import debug from '../../log.js';

const log = debug('paradrop:lxc:disk-image');

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

/** Creates and formats the image if it is not there yet. An existing image is kept as is. */
export async function ensureDiskImage(image: string, sizeKiB: number, subject: string): Promise<void> {
  if (!Number.isInteger(sizeKiB) || sizeKiB < 1024) {
    throw new ParadropError('FIELD_INVALID', `${subject}: disk size ${sizeKiB} KiB is too small for a file system`,
      { path: 'struct.diskKiB', value: sizeKiB, expected: 'an integer of at least 1024 KiB' });
  }
  if (await exists(image)) return;
  const tmp = `${image}.new`;
  await rm(tmp, { force: true });
  const fh = await open(tmp, 'w', 0o600);
  try {
    await fh.truncate(sizeKiB * 1024); // sparse: costs no host disk until the chute writes
  } finally {
    await fh.close();
  }
  // -m 0: no blocks reserved for root (the chute's programs run as root anyway);
  // root_owner: the file system root belongs to root whoever runs mkfs.
  await runTool('mkfs.ext4', ['-q', '-F', '-m', '0', '-E', 'root_owner=0:0', tmp],
    { subject, timeoutMs: 120_000 });
  await rename(tmp, image);
}

/** Loop devices attached to `image`, from `losetup -j`. */
export async function loopDevicesOf(image: string, subject: string): Promise<string[]> {
  const r = await runTool('losetup', ['-j', image], { subject, timeoutMs: 10_000 });
  return r.stdout.split('\n').map((l) => l.slice(0, l.indexOf(':'))).filter((d) => d.startsWith('/dev/'));
}

/** Mounts the image on `mountPoint` unless it already is. */
export async function mountDiskImage(image: string, mountPoint: string, subject: string): Promise<void> {
  const mounted = (await readMountinfo()).filter((m) => m.mountPoint === mountPoint);
  if (mounted.length > 0) {
    const loops = await loopDevicesOf(image, subject);
    if (mounted.every((m) => loops.includes(m.source))) return;
    throw new ParadropError('MOUNT_BUSY',
      `${subject}: ${mountPoint} already has ${mounted.map((m) => m.source).join(', ')} mounted, not the chute's disk ${image}`,
      { path: mountPoint, value: mounted.map((m) => m.source), expected: `nothing, or a loop device of ${image}` });
  }
  await runTool('mount', ['-t', 'ext4', '-o', 'loop,nodev,nosuid,noatime', image, mountPoint],
    { subject, timeoutMs: 30_000 });
}

/**
 * Unmounts everything at or under `mountPoint` (deepest first; lazily if busy, e.g. a shell still
 * inside) and detaches the image's loop devices (a busy one is set to detach when released).
 */
export async function unmountDiskImage(image: string, mountPoint: string, subject: string): Promise<void> {
  const under = mountsUnder(await readMountinfo(), mountPoint)
    .sort((a, b) => b.mountPoint.length - a.mountPoint.length);
  for (const m of under) {
    const r = await runTool('umount', [m.mountPoint], { subject, timeoutMs: 30_000, okExitCodes: 'any' });
    if (r.exitCode === 0) continue;
    const still = (await readMountinfo()).some((x) => x.mountPoint === m.mountPoint);
    if (still) await runTool('umount', ['-l', m.mountPoint], { subject, timeoutMs: 30_000 });
  }
  if (!(await exists(image))) return;
  // A lazily unmounted file system, or a copy of the mount in another mount namespace (a container
  // being set up elsewhere clones the host's mount table until it pivots), keeps the loop device
  // busy for a moment: `losetup -d` then only marks it to detach when released. Wait for that
  // (bounded) so that the image is never deleted under a loop device that still refers to it.
  const deadline = Date.now() + LOOP_RELEASE_WAIT_MS;
  for (;;) {
    const devs = await loopDevicesOf(image, subject);
    if (devs.length === 0) return;
    for (const dev of devs) await runTool('losetup', ['-d', dev], { subject, timeoutMs: 10_000, okExitCodes: 'any' });
    if (Date.now() > deadline) {
      log('%s: loop devices %o of %s still busy after %d ms; the kernel detaches them when released',
        subject, devs, image, LOOP_RELEASE_WAIT_MS);
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

const LOOP_RELEASE_WAIT_MS = 10_000;
