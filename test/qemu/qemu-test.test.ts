// scripts/qemu-test, the QEMU harness, as far as CI can run it: its syntax (bash -n, shellcheck
// when installed), the skip path without an image (exit 77 and what to download), input errors
// (exit 1), and a run against a stand-in qemu that records its command line and dies, which
// covers decompression of an OpenWrt-style image (gzip with trailing data), the user-mode-only
// network with a 127.0.0.1 forward, and the cleanup. The full boot needs an OpenWrt image and is
// run only when OPENWRT_IMAGE is set (never in CI): the test title says so when it is not.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { createHash } from 'node:crypto';

const ROOT = process.cwd();
const SCRIPT = join(ROOT, 'scripts/qemu-test');

interface Run { status: number | null; stdout: string; stderr: string }

function run(args: string[], env: Record<string, string> = {}, timeoutMs = 60_000): Run {
  const base = { ...process.env };
  delete base.OPENWRT_IMAGE;
  delete base.OPENWRT_PACKAGES;
  delete base.QEMU_SYSTEM;
  const r = spawnSync('bash', [SCRIPT, ...args], { env: { ...base, ...env }, encoding: 'utf8', timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

const KVM = (() => { try { accessSync('/dev/kvm', constants.R_OK | constants.W_OK); return true; } catch { return false; } })();
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

test('syntax: bash -n', (t) => {
  const r = spawnSync('bash', ['-n', SCRIPT], { encoding: 'utf8' });
  t.is(r.status, 0, r.stderr);
});

const SHELLCHECK = have('shellcheck');
test(`syntax: shellcheck ${SHELLCHECK ? '(clean at every severity)' : '-- NOT INSTALLED HERE, so only bash -n checked the script'}`, (t) => {
  if (!SHELLCHECK) {
    t.pass();
    return;
  }
  const r = spawnSync('shellcheck', [SCRIPT], { encoding: 'utf8' });
  t.is(r.status, 0, r.stdout + r.stderr);
});

test('without an image: exit 77 and says what to download', (t) => {
  const r = run([]);
  t.is(r.status, 77, r.stderr);
  const out = r.stdout;
  t.regex(out, /SKIP/);
  t.true(out.includes('https://downloads.openwrt.org/releases/<REL>/targets/x86/64/openwrt-<REL>-x86-64-generic-ext4-combined.img.gz'));
  t.regex(out, /23\.05[^\n]*node 18/);
  t.regex(out, /24\.10[^\n]*node 20/);
  t.regex(out, /combined-efi\.img\.gz/);
  for (const pkg of ['node', 'lxc-start', 'lxc-stop', 'lxc-info', 'lxc-attach', 'lxc-freeze', 'lxc-unfreeze', 'liblxc',
    'kmod-veth', 'kmod-ifb', 'kmod-sched-core', 'kmod-loop', 'kmod-fs-ext4', 'e2fsprogs', 'losetup', 'tc']) {
    t.regex(out, new RegExp(`(^|[\\s,])${pkg}[,\\s(]`), `package ${pkg} named`);
  }
  t.true(out.includes('--packages DIR'));
  t.true(out.includes('opkg update'), 'names the online mode');
  t.true(out.includes('apt-get install qemu-system-x86 qemu-utils'));
  t.true(out.includes('77'));
});

test('the package list in the download help is paradrop\'s Depends', async (t) => {
  const { PARADROP_DEPENDS } = await import(new URL('../../../scripts/package.mjs', import.meta.url).href) as { PARADROP_DEPENDS: string[] };
  const out = run([]).stdout;
  for (const pkg of PARADROP_DEPENDS) t.regex(out, new RegExp(`(^|[\\s,])${pkg}[,\\s(]`), `${pkg} missing from the help`);
});

test('OPENWRT_IMAGE empty counts as no image', (t) => {
  t.is(run([], { OPENWRT_IMAGE: '' }).status, 77);
});

const tmp = mkdtempSync(join(tmpdir(), 'qemu-test-test-'));
test.after.always(() => rmSync(tmp, { recursive: true, force: true }));

/** An OpenWrt-like image: a gzip stream followed by non-gzip bytes (OpenWrt appends metadata). */
function fakeImage(): string {
  const p = join(tmp, `openwrt-${Math.random().toString(36).slice(2)}-x86-64-generic-ext4-combined.img.gz`);
  const raw = Buffer.alloc(1024 * 1024, 0);
  raw.write('fake openwrt disk', 0);
  writeFileSync(p, Buffer.concat([gzipSync(raw), Buffer.from('\0\0\0\0openwrt-metadata-signature\n')]));
  return p;
}

function fakeDist(): string {
  const d = join(tmp, `dist-${Math.random().toString(36).slice(2)}`);
  mkdirSync(d);
  writeFileSync(join(d, 'paradrop_0.1.0-1_all.ipk'), 'not really an ipk');
  return d;
}

const inputErrors: Array<{ name: string; args: () => string[]; status: number; says: RegExp }> = [
  { name: 'an image that does not exist', args: () => ['--image', join(tmp, 'no-such.img.gz')], status: 1, says: /no-such\.img\.gz' does not exist/ },
  { name: 'an unknown option', args: () => ['--imgae', 'x'], status: 1, says: /unknown argument '--imgae'/ },
  { name: '--memory that is not a number', args: () => ['--image', fakeImage(), '--memory', 'lots'], status: 1, says: /--memory 'lots' is not a number/ },
  { name: '--packages that is not a directory', args: () => ['--image', fakeImage(), '--packages', join(tmp, 'nope')], status: 1, says: /--packages '.*nope' is not a directory/ },
  { name: 'no built paradrop package', args: () => ['--image', fakeImage(), '--dist', join(tmp, 'empty-dist')], status: 1, says: /npm run package/ },
];
mkdirSync(join(tmp, 'empty-dist'));
for (const c of inputErrors) {
  test(`input error, exit ${c.status}: ${c.name}`, (t) => {
    const r = run(c.args(), { QEMU_SYSTEM: '/nonexistent/qemu' });
    t.is(r.status, c.status, r.stdout + r.stderr);
    t.regex(r.stderr, c.says);
  });
}

test('an image but no qemu: exit 77, naming the apt package', (t) => {
  const r = run(['--image', fakeImage(), '--dist', fakeDist()], { QEMU_SYSTEM: '/nonexistent/qemu-system-x86_64' });
  t.is(r.status, 77, r.stdout + r.stderr);
  t.regex(r.stdout, /SKIP: .*not installed \(apt-get install qemu-system-x86 qemu-utils\)/);
});

test('with a stand-in qemu that dies: user-mode network on 127.0.0.1, a temporary copy, cleaned up, exit 1', (t) => {
  const image = fakeImage();
  const before = sha(image);
  const record = join(tmp, 'qemu-args.txt');
  const fake = join(tmp, 'fake-qemu');
  writeFileSync(fake, `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > '${record}'\necho "fake qemu: no machine here" >&2\nexit 1\n`);
  chmodSync(fake, 0o755);
  const r = run(['--image', image, '--dist', fakeDist()], { QEMU_SYSTEM: fake });
  t.is(r.status, 1, r.stdout + r.stderr);
  t.regex(r.stderr, /QEMU exited during boot/);
  t.regex(r.stderr, /fake qemu: no machine here/, 'shows what qemu said');
  t.is(sha(image), before, 'the original image is untouched');
  const args = readFileSync(record, 'utf8').trim().split('\n');
  const drive = args.find((a) => a.startsWith('file='));
  t.truthy(drive);
  const disk = /^file=([^,]+),if=virtio,format=raw$/.exec(drive!)![1]!;
  t.not(disk, image);
  t.false(existsSync(disk), 'the temporary copy is removed');
  const netdevs = args.filter((_, i) => args[i - 1] === '-netdev');
  t.is(netdevs.length, 2);
  t.true(netdevs.every((n) => n.startsWith('user,')), 'user-mode networking only');
  const fwds = netdevs.flatMap((n) => n.split(',').filter((o) => o.startsWith('hostfwd=')));
  t.is(fwds.length, 1);
  t.regex(fwds[0]!, /^hostfwd=tcp:127\.0\.0\.1:\d+-192\.168\.1\.1:22$/);
  t.false(args.some((a) => /tap|bridge/.test(a)), 'no tap or bridge');
  t.true(args.includes('-m') && args[args.indexOf('-m') + 1] === '512');
  t.true(args.includes('-smp') && args[args.indexOf('-smp') + 1] === '2');
  // Under KVM a QEMU that dies is retried once with TCG; the last command line is always TCG's.
  t.is(args[args.indexOf('-accel') + 1], 'tcg');
  if (KVM) t.regex(r.stdout, /QEMU with KVM exited: .*trying TCG/);
});

test('--keep keeps the temporary directory and says where', (t) => {
  const fake = join(tmp, 'fake-qemu-quiet');
  writeFileSync(fake, '#!/bin/sh\nexit 1\n');
  chmodSync(fake, 0o755);
  const r = run(['--image', fakeImage(), '--dist', fakeDist(), '--keep'], { QEMU_SYSTEM: fake });
  t.is(r.status, 1);
  const kept = /kept (\S+)/.exec(r.stdout)?.[1];
  t.truthy(kept, r.stdout);
  t.true(existsSync(join(kept!, 'disk.img')));
  rmSync(kept!, { recursive: true, force: true });
});

// The real thing: boots OpenWrt, installs the packages, checks ubus, SecCam, UCI and the chute.
const IMAGE = process.env.OPENWRT_IMAGE ?? '';
const FULL = IMAGE !== '' && existsSync(join(ROOT, 'dist'));
if (FULL) {
  test(`full harness on ${IMAGE}: exit 0 (PASS)`, (t) => {
    t.timeout(45 * 60_000);
    const env: Record<string, string> = { OPENWRT_IMAGE: IMAGE };
    if (process.env.OPENWRT_PACKAGES) env.OPENWRT_PACKAGES = process.env.OPENWRT_PACKAGES;
    const r = run([], env, 40 * 60_000);
    t.log(r.stdout);
    t.is(r.status, 0, r.stdout + r.stderr);
    t.regex(r.stdout, /^PASS$/m);
  });
} else {
  // Not a test that passes for nothing: no test is registered, and the run says why, loudly. The
  // full boot needs an OpenWrt image this sandbox cannot download; it is never CI's job.
  console.warn('qemu-test: the full OpenWrt boot was NOT RUN: set OPENWRT_IMAGE (and OPENWRT_PACKAGES) to run it; see README "QEMU harness"');
}
