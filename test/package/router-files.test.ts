// The files paradrop installs on the router, run here as far as a Debian host allows:
// - the procd init script, sourced with stand-ins for OpenWrt's procd/UCI shell functions (there
//   is no procd here), to see the instance it would register;
// - the uci-defaults script against a private config directory through `paradrop uci` (our
//   uci-compatible CLI, standing in for OpenWrt's uci);
// - the maintainer scripts, in a private mount namespace with a fake /etc (needs root);
// - UCI defaults agreeing with the built-in gateway profile, keep.d with the state dir.
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseUci } from '../../src/uci/index.js';
import { defaultProfile } from '../../src/plan/profile.js';
import { parseSize } from '../../src/chute/units.js';
import { ROOT, packager } from './build.js';

const INIT = join(ROOT, 'files/etc/init.d/paradrop');
const DEFAULTS = join(ROOT, 'files/etc/uci-defaults/90-paradrop');
const CONFIG_TEXT = readFileSync(join(ROOT, 'files/etc/config/paradrop'), 'utf8');

function mainOptions(text: string): Record<string, string | string[]> {
  const pkg = parseUci(text, 'paradrop');
  const main = pkg.sections.find((s) => s.name === 'main');
  if (!main) throw new Error('no section main');
  if (main.type !== 'paradrop') throw new Error(`section main has type ${main.type}, expected paradrop`);
  return Object.fromEntries(main.options.map((o) => [o.name, o.value]));
}

/** Sources the init script with stand-ins that print what procd would be told. */
function runInit(env: Record<string, string> = {}): string[] {
  const harness = `
config_load() { echo "config_load $*"; }
config_get() { eval "pd_v=\\"\\\${PD_$3:-}\\""; [ -n "$pd_v" ] || pd_v="$4"; eval "$1=\\"\\$pd_v\\""; }
procd_open_instance() { echo open; }
procd_set_param() { echo "param $*"; }
procd_close_instance() { echo close; }
procd_add_reload_trigger() { echo "reload_trigger $*"; }
mkdir() { echo "mkdir $*"; }
. "$INIT"
start_service
service_triggers
echo "START=$START STOP=$STOP USE_PROCD=$USE_PROCD"
`;
  return execFileSync('sh', ['-c', harness], { env: { PATH: process.env.PATH ?? '', INIT, ...env }, encoding: 'utf8' }).trim().split('\n');
}

test('init script: procd instance runs the daemon with respawn, logd output and the config file watched', (t) => {
  const out = runInit();
  t.true(out.includes('param command /usr/bin/node /usr/lib/paradrop/paradrop.js daemon'), out.join('\n'));
  t.true(out.some((l) => /^param respawn \d+ \d+ \d+$/.test(l)));
  t.true(out.includes('param stdout 1') && out.includes('param stderr 1'));
  t.true(out.includes('param file /etc/config/paradrop'));
  t.true(out.includes('param env PARADROP_STATE_DIR=/srv/paradrop PARADROP_STORE=/usr/share/paradrop/examples PARADROP_GRACE=10'));
  t.true(out.includes('mkdir -p /srv/paradrop'));
  t.true(out.includes('reload_trigger paradrop'));
  t.deepEqual(out.filter((l) => l === 'open' || l === 'close'), ['open', 'close']);
});

test('init script: UCI values reach the daemon', (t) => {
  const out = runInit({ PD_state_dir: '/mnt/usb/paradrop', PD_store: 'https://store.example/chutes', PD_grace_period: '3' });
  t.true(out.includes('param env PARADROP_STATE_DIR=/mnt/usb/paradrop PARADROP_STORE=https://store.example/chutes PARADROP_GRACE=3'), out.join('\n'));
  t.true(out.includes('mkdir -p /mnt/usb/paradrop'));
});

test('init script: starts after network (20) and firewall (19), is a procd service, executable', (t) => {
  const line = runInit().find((l) => l.startsWith('START='))!;
  const m = /START=(\d+) STOP=(\d+) USE_PROCD=(\d)/.exec(line)!;
  t.true(Number(m[1]) > 20);
  t.is(m[3], '1');
  t.true(readFileSync(INIT, 'utf8').startsWith('#!/bin/sh /etc/rc.common\n'));
  t.notThrows(() => execFileSync('sh', ['-n', INIT]));
});

test('UCI defaults match the built-in gateway profile', (t) => {
  const o = mainOptions(CONFIG_TEXT);
  const p = defaultProfile();
  const bytes = (v: unknown): number => { const r = parseSize(String(v)); if (!r.ok) throw new Error(String(v)); return r.bytes; };
  t.is(o.subnet_pool, p.subnetPool);
  t.is(Number(o.cpu_default), p.defaults.cpuShares);
  t.is(bytes(o.memory_default), p.defaults.memoryBytes);
  t.is(bytes(o.disk_default), p.defaults.diskKiB * 1024);
  t.is(bytes(o.memory_reserve), p.memoryPolicy.reserveBytes);
  t.is(Number(o.memory_overcommit), p.memoryPolicy.overcommit);
  t.is(Number(o.radio_max_aps), p.radios[0]!.maxAps);
  t.is(o.chute_dns === '1', p.chuteDns);
  t.is(o.radio_policy, 'auto');
  t.is(o.grace_period, '10');
  t.false(String(o.state_dir).startsWith('/var/'), '/var is RAM on OpenWrt');
});

// ---- uci-defaults ----

/** Runs 90-paradrop against `conf`/paradrop with `paradrop uci -c conf -t save` as uci. */
function runDefaults(dir: string): void {
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'uci'), `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'dist/paradrop.js')}" uci -c "${join(dir, 'conf')}" -t "${join(dir, 'save')}" "$@"\n`);
  chmodSync(join(bin, 'uci'), 0o755);
  // The script's one absolute path, pointed at the private directory.
  const script = readFileSync(DEFAULTS, 'utf8').replaceAll('/etc/config/paradrop', join(dir, 'conf/paradrop'));
  execFileSync('sh', ['-c', script], { env: { PATH: `${bin}:${process.env.PATH ?? ''}` } });
}

function freshDir(configText?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'pd-defaults-'));
  mkdirSync(join(dir, 'conf'));
  mkdirSync(join(dir, 'save'));
  if (configText !== undefined) writeFileSync(join(dir, 'conf/paradrop'), configText);
  return dir;
}

test('uci-defaults: an empty config gets the section and every option of the shipped config', (t) => {
  const dir = freshDir();
  runDefaults(dir);
  const got = mainOptions(readFileSync(join(dir, 'conf/paradrop'), 'utf8'));
  t.deepEqual(got, mainOptions(CONFIG_TEXT));
});

const IDEMPOTENT: [string, (dir: string) => void, (o: Record<string, unknown>) => void][] = [
  ['a second run changes no byte', () => undefined, () => undefined],
  ['an admin value is kept', (dir) => {
    const p = join(dir, 'conf/paradrop');
    writeFileSync(p, readFileSync(p, 'utf8').replace(/option cpu_default '1024'/, "option cpu_default '512'"));
  }, (o) => { if (o.cpu_default !== '512') throw new Error(`cpu_default ${String(o.cpu_default)}`); }],
];

for (const [title, edit, check] of IDEMPOTENT) {
  test(`uci-defaults is idempotent: ${title}`, (t) => {
    const dir = freshDir();
    runDefaults(dir);
    edit(dir);
    const before = readFileSync(join(dir, 'conf/paradrop'), 'utf8');
    runDefaults(dir);
    const after = readFileSync(join(dir, 'conf/paradrop'), 'utf8');
    t.is(after, before);
    t.notThrows(() => check(mainOptions(after)));
  });
}

test('uci-defaults: a missing option comes back, others keep their values', (t) => {
  const dir = freshDir(CONFIG_TEXT.replace(/\toption chute_dns '1'\n/, '').replace("option cpu_default '1024'", "option cpu_default '300'"));
  runDefaults(dir);
  const o = mainOptions(readFileSync(join(dir, 'conf/paradrop'), 'utf8'));
  t.is(o.chute_dns, '1');
  t.is(o.cpu_default, '300');
});

test('uci-defaults: the shipped config is left as it is, comments included', (t) => {
  const dir = freshDir(CONFIG_TEXT);
  runDefaults(dir);
  t.is(readFileSync(join(dir, 'conf/paradrop'), 'utf8'), CONFIG_TEXT);
});

test('keep.d keeps the config and the state directory the config names', (t) => {
  const lines = readFileSync(join(ROOT, 'files/lib/upgrade/keep.d/paradrop'), 'utf8').split('\n').filter((l) => l && !l.startsWith('#'));
  const stateDir = String(mainOptions(CONFIG_TEXT).state_dir);
  t.true(lines.includes('/etc/config/paradrop'));
  t.true(lines.includes(`${stateDir}/state.json`));
  t.true(lines.some((l) => l.startsWith(`${stateDir}/chutes/`)));
  for (const l of lines) t.true(l === '/etc/config/paradrop' || l.startsWith(`${stateDir}/`), l);
});

test('profile.d: a login shell gets the state dir, store and grace period from UCI', (t) => {
  const dir = freshDir(CONFIG_TEXT.replace("'/srv/paradrop'", "'/mnt/pd'"));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'uci'), `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'dist/paradrop.js')}" uci -c "${join(dir, 'conf')}" "$@"\n`);
  chmodSync(join(bin, 'uci'), 0o755);
  const out = execFileSync('sh', ['-c', `. "${join(ROOT, 'files/etc/profile.d/paradrop.sh')}"; echo "$PARADROP_STATE_DIR|$PARADROP_STORE|$PARADROP_GRACE|\${pd_value-unset}"`],
    { env: { PATH: `${bin}:${process.env.PATH ?? ''}` }, encoding: 'utf8' });
  t.is(out.trim(), '/mnt/pd|/usr/share/paradrop/examples|10|unset');
});

// ---- maintainer scripts ----

async function scriptsOf(pkg: string): Promise<Record<string, string>> {
  const mod = await packager();
  return mod.packageSpecs().find((s: { name: string }) => s.name === pkg).scripts;
}

test('postinst/prerm in an image build (IPKG_INSTROOT) only enable/disable through the image\'s rc.common', async (t) => {
  const scripts = await scriptsOf('paradrop');
  for (const [name, verb] of [['postinst', 'enable'], ['prerm', 'disable']] as const) {
    const root = mkdtempSync(join(tmpdir(), 'pd-instroot-'));
    mkdirSync(join(root, 'etc'));
    writeFileSync(join(root, 'etc/rc.common'), `echo "$@" >> "${root}/log"\n`);
    execFileSync('sh', ['-c', scripts[name]!], { env: { PATH: process.env.PATH ?? '', IPKG_INSTROOT: root } });
    t.is(readFileSync(join(root, 'log'), 'utf8'), `${root}/etc/init.d/paradrop ${verb}\n`, name);
    execFileSync('sh', ['-c', scripts[name]!], { env: { PATH: process.env.PATH ?? '', IPKG_INSTROOT: root, IPKG_NO_SCRIPT: '1' } });
    t.is(readFileSync(join(root, 'log'), 'utf8'), `${root}/etc/init.d/paradrop ${verb}\n`, `${name} with IPKG_NO_SCRIPT does nothing`);
  }
});

/** Runs a maintainer script on a "live" system whose /etc is a private directory (own mount namespace). */
function runLive(script: string, opts: { upgrade: boolean; enabled: boolean }): { log: string[]; defaultsLeft: boolean; stderr: string } {
  const etc = mkdtempSync(join(tmpdir(), 'pd-etc-'));
  mkdirSync(join(etc, 'init.d'));
  mkdirSync(join(etc, 'uci-defaults'));
  writeFileSync(join(etc, 'init.d/paradrop'), '#!/bin/sh\necho "$1" >> /etc/log\ncase "$1" in enabled) [ -e /etc/enabled ];; enable) : > /etc/enabled;; disable) rm -f /etc/enabled;; esac\n');
  chmodSync(join(etc, 'init.d/paradrop'), 0o755);
  writeFileSync(join(etc, 'uci-defaults/90-paradrop'), 'echo defaults >> /etc/log\nexit 0\n');
  if (opts.enabled) writeFileSync(join(etc, 'enabled'), '');
  writeFileSync(join(etc, 'script'), script);
  const r = spawnSync('unshare', ['--mount', 'sh', '-c', `mount --bind "${etc}" /etc && sh /etc/script`],
    { env: { PATH: process.env.PATH ?? '', ...(opts.upgrade ? { PKG_UPGRADE: '1' } : {}) }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`script failed (${r.status}): ${r.stderr}`);
  return { log: readFileSync(join(etc, 'log'), 'utf8').trim().split('\n'), defaultsLeft: existsSync(join(etc, 'uci-defaults/90-paradrop')), stderr: r.stderr };
}

const LIVE: [string, 'postinst' | 'prerm', { upgrade: boolean; enabled: boolean }, string[], boolean][] = [
  ['install: defaults, enable, start', 'postinst', { upgrade: false, enabled: false }, ['defaults', 'enable', 'enabled', 'start'], false],
  ['upgrade of an enabled service: defaults, start', 'postinst', { upgrade: true, enabled: true }, ['defaults', 'enabled', 'start'], false],
  ['upgrade of a disabled service stays disabled and stopped', 'postinst', { upgrade: true, enabled: false }, ['defaults', 'enabled'], false],
  ['removal: stop and disable', 'prerm', { upgrade: false, enabled: true }, ['stop', 'disable'], true],
  ['upgrade: stop only', 'prerm', { upgrade: true, enabled: true }, ['stop'], true],
];

for (const [title, name, opts, expected, defaultsLeft] of LIVE) {
  test(`${name} on a running gateway, ${title} (private mount namespace, needs root)`, async (t) => {
    const r = runLive((await scriptsOf('paradrop'))[name]!, opts);
    t.deepEqual(r.log, expected);
    t.is(r.defaultsLeft, defaultsLeft, 'the uci-defaults script is removed once it ran');
    t.is(/keep running/.test(r.stderr), name === 'prerm' && !opts.upgrade, 'removal says that chutes keep running');
  });
}
