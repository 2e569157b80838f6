// Real LXC, loop devices and ext4, as root: a chute's disk. It can write up to its disk size and
// then gets ENOSPC, while the host's file system is unaffected; its root is read-only; its /etc is
// generated; prepare and teardown are idempotent, and keepData keeps exactly the disk image.
import test from 'ava';
import { readFile, access, readdir, stat, statfs, symlink, rm } from 'node:fs/promises';
import { execa } from 'execa';
import { createContainer, startContainer } from '../../../src/platform/lxc/container.js';
import { execInContainer } from '../../../src/platform/lxc/container-exec.js';
import { prepareChuteDirs, destroyChuteDirs } from '../../../src/platform/lxc/chute-dirs.js';
import { readMountinfo } from '../../../src/platform/lxc/mountinfo.js';
import { ParadropError } from '../../../src/errors.js';
import { makeTestChute, cleanupTestChute, type TestChute } from './helpers.js';

const chutes: TestChute[] = [];
test.afterEach.always(async (t) => {
  for (const c of chutes.splice(0)) {
    const errors = await cleanupTestChute(c);
    if (errors.length > 0) t.log(`cleanup of ${c.plan.container}: ${errors.join('; ')}`);
  }
});

const exists = (p: string) => access(p).then(() => true, () => false);
const SLEEPER = { name: 'idle', argv: ['/bin/sleep', '3600'] };

async function hostFreeBytes(path: string): Promise<number> {
  const s = await statfs(path);
  return s.bavail * s.bsize;
}

test.serial('a chute writing past its disk size gets ENOSPC; the host disk is unaffected; its root is read-only', async (t) => {
  const c = await makeTestChute({ programs: [SLEEPER], diskKiB: 8 * 1024 });
  chutes.push(c);
  const o = { lxcPath: c.lxcPath };
  await prepareChuteDirs(c.plan);
  await createContainer(c.plan, o);
  await startContainer(c.plan.container, o);
  const hostBefore = await hostFreeBytes(c.tmp);

  const dd = await execInContainer(c.plan.container, ['dd', 'if=/dev/zero', 'of=/srv/fill', 'bs=64k', 'count=1024'], { ...o, timeoutMs: 60_000 });
  t.not(dd.exitCode, 0);
  t.regex(dd.stderr, /No space left on device/);
  const written = (await stat(`${c.plan.dir}/data/srv/fill`)).size;
  t.true(written > 4 * 1024 * 1024 && written <= 8 * 1024 * 1024, `wrote ${written} bytes`);

  // Other writable dirs share the same full disk.
  const tmp = await execInContainer(c.plan.container, ['sh', '-c', 'head -c 1048576 /dev/zero > /tmp/more'], o);
  t.not(tmp.exitCode, 0);
  t.regex(tmp.stderr, /No space left on device/i);

  // The chute's root and the host's system dirs are read-only to it.
  for (const path of ['/newfile', '/usr/pd-test', '/bin/pd-test']) {
    const w = await execInContainer(c.plan.container, ['sh', '-c', `echo x > ${path}`], o);
    t.not(w.exitCode, 0, path);
    t.regex(w.stderr, /Read-only file system/, path);
  }

  // The image is sparse and capped: the host lost at most its size (plus slack for metadata).
  const img = await stat(`${c.plan.dir}/disk.img`);
  t.is(img.size, 8 * 1024 * 1024);
  t.true(img.blocks * 512 <= 8 * 1024 * 1024);
  const hostAfter = await hostFreeBytes(c.tmp);
  t.true(hostBefore - hostAfter < 12 * 1024 * 1024, `host lost ${hostBefore - hostAfter} bytes`);

  // The data mount is nodev,nosuid.
  const m = (await readMountinfo()).find((x) => x.mountPoint === `${c.plan.dir}/data`);
  t.truthy(m);
  t.regex((await readFile('/proc/self/mountinfo', 'utf8')).split('\n').find((l) => l.includes(` ${c.plan.dir}/data `)) ?? '', /nosuid,nodev/);
});

test.serial('prepare makes the layout and a generated /etc; it is idempotent; teardown with keepData keeps only disk.img', async (t) => {
  const c = await makeTestChute({ programs: [SLEEPER], diskKiB: 4 * 1024 });
  chutes.push(c);
  const d = c.plan.dir;
  await prepareChuteDirs(c.plan);
  await prepareChuteDirs(c.plan);
  const mounts = (await readMountinfo()).filter((m) => m.mountPoint === `${d}/data`);
  t.is(mounts.length, 1, 'mounted once');
  for (const p of ['rootfs/usr', 'rootfs/etc', 'rootfs/proc', 'rootfs/dev', 'rootfs/.paradrop/run', 'data/etc', 'data/srv',
    'data/var', 'data/.paradrop/run', 'programs']) t.true(await exists(`${d}/${p}`), p);
  t.true((await stat(`${d}/rootfs/.paradrop/init`)).isFile());
  t.is((await stat(`${d}/data/tmp`)).mode & 0o7777, 0o1777);
  t.is((await stat(`${d}/data/root`)).mode & 0o777, 0o700);
  t.is(await readFile(`${d}/data/etc/hostname`, 'utf8'), `${c.plan.name}\n`);
  t.regex(await readFile(`${d}/data/etc/passwd`, 'utf8'), /^root:x:0:0:/);
  t.regex(await readFile(`${d}/data/etc/resolv.conf`, 'utf8'), /no wan interface/);
  t.deepEqual((await readdir(`${d}/data/etc`)).sort(), ['group', 'hostname', 'hosts', 'passwd', 'resolv.conf']);

  // A chute's own change to an account file survives the next prepare; derived files are redone.
  await execa('sh', ['-c', `echo 'app:x:1000:1000::/srv:/bin/sh' >> ${d}/data/etc/passwd; echo junk > ${d}/data/etc/hostname`]);
  await prepareChuteDirs(c.plan);
  t.regex(await readFile(`${d}/data/etc/passwd`, 'utf8'), /^app:x:1000/m);
  t.is(await readFile(`${d}/data/etc/hostname`, 'utf8'), `${c.plan.name}\n`);

  // The chute's data survives a teardown with keepData, and comes back on the next prepare.
  await execa('sh', ['-c', `echo keep-me > ${d}/data/srv/precious`]);
  await destroyChuteDirs(c.plan, { keepData: true });
  await destroyChuteDirs(c.plan, { keepData: true });
  t.deepEqual(await readdir(d), ['disk.img']);
  t.deepEqual((await readMountinfo()).filter((m) => m.mountPoint.startsWith(d)), []);
  t.false((await execa('losetup', ['-j', `${d}/disk.img`])).stdout.includes('/dev/'));
  await prepareChuteDirs(c.plan);
  t.is(await readFile(`${d}/data/srv/precious`, 'utf8'), 'keep-me\n');

  await destroyChuteDirs(c.plan);
  t.false(await exists(d));
  t.false((await execa('losetup', ['-a'])).stdout.includes(c.tmp));
});

test.serial('prepare does not follow a symlink the chute planted in its disk', async (t) => {
  const c = await makeTestChute({ programs: [SLEEPER], diskKiB: 4 * 1024 });
  chutes.push(c);
  const d = c.plan.dir;
  await prepareChuteDirs(c.plan);
  // As root in the chute, it could replace /etc/resolv.conf by a link to a host path.
  const victim = `${c.tmp}/host-file`;
  await execa('sh', ['-c', `echo host-secret > ${victim}`]);
  await rm(`${d}/data/etc/resolv.conf`);
  await symlink(victim, `${d}/data/etc/resolv.conf`);
  await prepareChuteDirs(c.plan);
  t.is(await readFile(victim, 'utf8'), 'host-secret\n');
  t.false((await import('node:fs')).lstatSync(`${d}/data/etc/resolv.conf`).isSymbolicLink());
  // A planted directory link is refused outright.
  await rm(`${d}/data/.paradrop/run`, { recursive: true });
  await symlink(c.tmp, `${d}/data/.paradrop/run`);
  await t.throwsAsync(prepareChuteDirs(c.plan), { instanceOf: ParadropError, code: 'PATH_UNSAFE' });
});

test.serial('teardown refuses to delete while something is still mounted under the chute dir', async (t) => {
  const c = await makeTestChute({ programs: [SLEEPER], diskKiB: 4 * 1024 });
  chutes.push(c);
  await prepareChuteDirs(c.plan);
  // A stray bind of a host directory on a mount point, as if LXC's mounts had leaked to the host.
  await execa('mount', ['--bind', '-o', 'ro', '/usr', `${c.plan.dir}/rootfs/usr`]);
  try {
    const err = await t.throwsAsync(destroyChuteDirs(c.plan), { instanceOf: ParadropError, code: 'MOUNT_BUSY' });
    t.true(err.message.includes(`${c.plan.dir}/rootfs/usr`));
    t.true(await exists('/usr/bin/env'), 'host /usr untouched');
    t.true(await exists(`${c.plan.dir}/disk.img`));
  } finally {
    await execa('umount', [`${c.plan.dir}/rootfs/usr`]);
  }
  await destroyChuteDirs(c.plan);
  t.false(await exists(c.plan.dir));
});
