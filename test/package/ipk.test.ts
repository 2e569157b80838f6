// The .ipk files `npm run package` builds: the layout opkg reads (outer tar.gz with debian-binary,
// data.tar.gz, control.tar.gz in that order), control fields, conffiles, maintainer scripts,
// file list with modes and owners, and that the bundle inside runs. Unpacked twice: with our
// reader (exact header fields) and with the system tar (a standard tool accepts it).
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parseControl, readIpk, type TarEntry } from './tar-reader.js';
import { EPOCH, FULL_VERSION, ROOT, VERSION, buildPackages } from './build.js';

const built = buildPackages();
const pd = readIpk(readFileSync(built.paradrop));
const luci = readIpk(readFileSync(built.luci));
const both = [['paradrop', pd], ['luci-app-paradrop', luci]] as const;

const byName = (entries: TarEntry[]): Map<string, TarEntry> => new Map(entries.map((e) => [e.name, e]));

test('the packager names both packages NAME_VERSION-RELEASE_all.ipk', (t) => {
  t.regex(built.stdout, new RegExp(`paradrop_${FULL_VERSION.replace(/\./g, '\\.')}_all\\.ipk`));
  t.regex(built.stdout, /luci-app-paradrop_.*_all\.ipk/);
});

for (const [name, ipk] of both) {
  test(`${name}: outer archive holds debian-binary, data.tar.gz, control.tar.gz in that order`, (t) => {
    t.deepEqual(ipk.outer.map((e) => e.name), ['./debian-binary', './data.tar.gz', './control.tar.gz']);
    t.is(ipk.member('./debian-binary').data.toString(), '2.0\n');
    const system = execFileSync('tar', ['-tzf', name === 'paradrop' ? built.paradrop : built.luci], { encoding: 'utf8' });
    t.deepEqual(system.trim().split('\n'), ['./debian-binary', './data.tar.gz', './control.tar.gz']);
  });

  test(`${name}: every member of every archive is ustar, root-owned, dated SOURCE_DATE_EPOCH`, (t) => {
    for (const e of [...ipk.outer, ...ipk.control, ...ipk.data]) {
      t.is(e.magic, 'ustar\0', e.name);
      t.is(e.version, '00', e.name);
      t.deepEqual([e.uid, e.gid, e.uname, e.gname], [0, 0, 'root', 'root'], e.name);
      t.is(e.mtime, EPOCH, e.name);
      t.true(e.name.startsWith('./'), e.name);
    }
  });

  test(`${name}: data lists each directory before its contents, in name order`, (t) => {
    const names = ipk.data.map((e) => e.name);
    t.is(names[0], './');
    for (const e of ipk.data) {
      const parent = e.name.replace(/[^/]+\/?$/, '');
      if (e.name !== './') t.true(names.indexOf(parent) >= 0 && names.indexOf(parent) < names.indexOf(e.name), `${parent} before ${e.name}`);
      if (e.type === '5') t.is(e.mode, 0o755, e.name);
    }
  });

  test(`${name}: control fields`, (t) => {
    const control = parseControl(byName(ipk.control).get('./control')!.data.toString());
    t.is(control.Package, name);
    t.is(control.Version, FULL_VERSION);
    t.is(control.Architecture, 'all');
    t.is(control.License, 'Apache-2.0');
    t.is(control.SourceDateEpoch, String(EPOCH));
    t.is(control.Section, name === 'paradrop' ? 'net' : 'luci');
    t.truthy(control.Source);
    t.true((control.Description ?? '').includes('\n'), 'a summary line and a longer text');
    // ipkg-build's measure: the size of the uncompressed data archive.
    t.is(Number(control['Installed-Size']), gunzipSync(ipk.member('./data.tar.gz').data).length);
  });

  test(`${name}: maintainer scripts are executable shell scripts that parse`, (t) => {
    const scripts = ipk.control.filter((e) => ['./postinst', './prerm', './postrm', './preinst'].includes(e.name));
    t.true(scripts.length >= 2);
    for (const s of scripts) {
      t.is(s.mode, 0o755, s.name);
      t.true(s.data.toString().startsWith('#!/bin/sh\n'), s.name);
      t.notThrows(() => execFileSync('sh', ['-n'], { input: s.data }), s.name);
    }
  });
}

test('paradrop: Depends names node, the LXC tools, veth, ifb, tc and the disk tools', (t) => {
  const control = parseControl(byName(pd.control).get('./control')!.data.toString());
  const deps = (control.Depends ?? '').split(',').map((d) => d.trim());
  for (const d of ['node', 'lxc-start', 'lxc-stop', 'lxc-info', 'lxc-attach', 'lxc-freeze', 'lxc-unfreeze',
    'kmod-veth', 'kmod-ifb', 'kmod-sched-core', 'tc', 'kmod-loop', 'kmod-fs-ext4', 'e2fsprogs', 'losetup']) {
    t.true(deps.includes(d), d);
  }
  t.is(new Set(deps).size, deps.length, 'no duplicates');
});

test('luci-app-paradrop depends on paradrop and luci-base', (t) => {
  const control = parseControl(byName(luci.control).get('./control')!.data.toString());
  t.deepEqual((control.Depends ?? '').split(',').map((d) => d.trim()).sort(), ['luci-base', 'paradrop']);
});

test('paradrop: control.tar.gz holds control, conffiles, postinst, prerm; conffiles is /etc/config/paradrop', (t) => {
  t.deepEqual(pd.control.map((e) => e.name), ['./', './conffiles', './control', './postinst', './prerm']);
  const conffiles = byName(pd.control).get('./conffiles')!;
  t.is(conffiles.mode, 0o644);
  t.is(conffiles.data.toString(), '/etc/config/paradrop\n');
  for (const path of conffiles.data.toString().trim().split('\n')) t.truthy(byName(pd.data).get(`.${path}`), `${path} is in the package`);
});

test('luci-app-paradrop: no conffiles; postinst and postrm refresh LuCI', (t) => {
  t.deepEqual(luci.control.map((e) => e.name), ['./', './control', './postinst', './postrm']);
  const postinst = byName(luci.control).get('./postinst')!.data.toString();
  t.regex(postinst, /luci-indexcache/);
  t.regex(postinst, /rpcd reload/);
});

const PARADROP_FILES: [string, string, number][] = [
  ['./usr/lib/paradrop/paradrop.js', '0', 0o755],
  ['./usr/lib/paradrop/chute-init', '0', 0o755],
  ['./usr/bin/paradrop', '2', 0o777],
  ['./etc/init.d/paradrop', '0', 0o755],
  ['./etc/config/paradrop', '0', 0o600],
  ['./etc/uci-defaults/90-paradrop', '0', 0o755],
  ['./etc/profile.d/paradrop.sh', '0', 0o644],
  ['./lib/upgrade/keep.d/paradrop', '0', 0o644],
  ['./usr/share/paradrop/examples/seccam/chute.json', '0', 0o644],
  ['./usr/share/paradrop/examples/envsense/Chute.struct', '0', 0o644],
];
const LUCI_FILES: [string, string, number][] = [
  ['./usr/share/rpcd/acl.d/luci-app-paradrop.json', '0', 0o644],
  ['./usr/share/luci/menu.d/luci-app-paradrop.json', '0', 0o644],
  ['./www/luci-static/resources/view/paradrop/chutes.js', '0', 0o644],
  ['./www/luci-static/resources/view/paradrop/api.js', '0', 0o644],
  ['./www/luci-static/resources/view/paradrop/dialogs.js', '0', 0o644],
];

for (const [label, ipk, files] of [['paradrop', pd, PARADROP_FILES], ['luci-app-paradrop', luci, LUCI_FILES]] as const) {
  test(`${label}: files, types and modes`, (t) => {
    const data = byName(ipk.data);
    for (const [path, type, mode] of files) {
      const e = data.get(path);
      t.truthy(e, `${path} is in ${label}`);
      t.is(e?.type, type, path);
      t.is(e?.mode, mode, `${path} mode ${e?.mode.toString(8)}`);
    }
    for (const e of ipk.data.filter((x) => x.type === '0')) t.true([0o600, 0o644, 0o755].includes(e.mode), `${e.name} ${e.mode.toString(8)}`);
  });
}

test('each file lives in exactly one package; the LuCI package holds nothing outside LuCI and rpcd', (t) => {
  const pdFiles = new Set(pd.data.filter((e) => e.type !== '5').map((e) => e.name));
  for (const e of luci.data.filter((x) => x.type !== '5')) {
    t.false(pdFiles.has(e.name), e.name);
    t.regex(e.name, /^\.\/(usr\/share\/rpcd\/acl\.d|usr\/share\/luci\/menu\.d|www\/luci-static\/resources\/view\/paradrop)\//);
  }
});

test('packaged files are the bytes of the tree; /usr/bin/paradrop links to the bundle', (t) => {
  const data = byName(pd.data);
  t.deepEqual(data.get('./usr/lib/paradrop/paradrop.js')!.data, readFileSync(join(ROOT, 'dist/openwrt/paradrop.js')));
  t.deepEqual(data.get('./etc/init.d/paradrop')!.data, readFileSync(join(ROOT, 'files/etc/init.d/paradrop')));
  t.deepEqual(data.get('./etc/config/paradrop')!.data, readFileSync(join(ROOT, 'files/etc/config/paradrop')));
  t.is(data.get('./usr/bin/paradrop')!.linkname, '../lib/paradrop/paradrop.js');
});

test('the bundle inside the package runs and prints its version (directly and through /usr/bin/paradrop)', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pd-unpack-'));
  execFileSync('tar', ['-xzf', built.paradrop, '-C', dir]);
  const root = join(dir, 'root');
  execFileSync('mkdir', [root]);
  execFileSync('tar', ['-xzf', join(dir, 'data.tar.gz'), '-C', root]);
  t.is(execFileSync(process.execPath, [join(root, 'usr/lib/paradrop/paradrop.js'), '--version'], { encoding: 'utf8' }).trim(), `paradrop ${VERSION}`);
  t.is(execFileSync(join(root, 'usr/bin/paradrop'), ['--version'], { encoding: 'utf8' }).trim(), `paradrop ${VERSION}`);
  t.is(execFileSync('stat', ['-c', '%a', join(root, 'etc/init.d/paradrop')], { encoding: 'utf8' }).trim(), '755');
});

test('the same tree and SOURCE_DATE_EPOCH give the same bytes', (t) => {
  const again = buildPackages();
  t.deepEqual(readFileSync(again.paradrop), readFileSync(built.paradrop));
  t.deepEqual(readFileSync(again.luci), readFileSync(built.luci));
});
