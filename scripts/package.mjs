// Builds the OpenWrt packages paradrop_VERSION-REL_all.ipk and luci-app-paradrop_VERSION-REL_all.ipk
// with node alone (no SDK): `npm run package` (after `npm run build`), or
// `node scripts/package.mjs [--out DIR]` (default dist/).
// An .ipk as OpenWrt's ipkg-build writes it and opkg reads it (OpenWrt 18.06 to 24.10; 25.x uses
// apk instead): a gzip'd tar holding ./debian-binary ("2.0\n"), ./data.tar.gz, ./control.tar.gz in
// that order; control.tar.gz holds ./control, ./conffiles and the maintainer scripts. (Debian's .deb
// and older ipkg used an ar archive; opkg accepts both, OpenWrt's build writes tar.)
// Invariants: every member is owned by 0/0 "root" with the mode given here (not the checkout's;
// /etc/config files 0600 as the SDK's INSTALL_CONF makes them);
// mtimes are SOURCE_DATE_EPOCH, else the last commit's time, so the same tree gives the same bytes;
// members are in name order with every parent directory before its children.
// Version and release come from package.json and openwrt/paradrop/Makefile (PKG_RELEASE), which
// must agree (PKG_VERSION) so that SDK builds and these are the same packages.
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const PARADROP_DEPENDS = [
  'node', 'lxc-start', 'lxc-stop', 'lxc-info', 'lxc-attach', 'lxc-freeze', 'lxc-unfreeze',
  // veth pairs; shaping: htb + ingress + u32 + mirred (kmod-sched-core) and an ifb per interface.
  // `tc` is the virtual package of tc-tiny/tc-bpf/tc-full: tc-tiny lacks only xtables and eBPF,
  // neither of which paradrop uses.
  'kmod-veth', 'kmod-ifb', 'kmod-sched-core', 'tc',
  // chute disks: sparse ext4 images, loop-mounted.
  'kmod-loop', 'kmod-fs-ext4', 'e2fsprogs', 'losetup',
];

const POSTINST = `#!/bin/sh
# paradrop postinst: the steps OpenWrt's default_postinst takes for this package.
[ "\${IPKG_NO_SCRIPT}" = "1" ] && exit 0
if [ -n "\${IPKG_INSTROOT}" ]; then
	# Building an image: only enable the service; uci-defaults run at the image's first boot.
	/bin/sh "\${IPKG_INSTROOT}/etc/rc.common" "\${IPKG_INSTROOT}/etc/init.d/paradrop" enable
	exit 0
fi
# Complete /etc/config/paradrop now, as a first boot would (the script is removed once it ran).
if [ -f /etc/uci-defaults/90-paradrop ]; then
	sh /etc/uci-defaults/90-paradrop && rm -f /etc/uci-defaults/90-paradrop
fi
# Enabled on first install; an upgrade (opkg sets PKG_UPGRADE=1) keeps the admin's choice.
[ "\${PKG_UPGRADE}" = "1" ] || /etc/init.d/paradrop enable
/etc/init.d/paradrop enabled && /etc/init.d/paradrop start
exit 0
`;

const PRERM = `#!/bin/sh
# paradrop prerm: the steps OpenWrt's default_prerm takes for this package.
[ "\${IPKG_NO_SCRIPT}" = "1" ] && exit 0
if [ -n "\${IPKG_INSTROOT}" ]; then
	/bin/sh "\${IPKG_INSTROOT}/etc/rc.common" "\${IPKG_INSTROOT}/etc/init.d/paradrop" disable
	exit 0
fi
/etc/init.d/paradrop stop
if [ "\${PKG_UPGRADE}" != "1" ]; then
	/etc/init.d/paradrop disable
	echo "paradrop: installed chutes keep running; 'paradrop remove NAME' before removing the package frees their subnets, ports and SSIDs" >&2
fi
exit 0
`;

// LuCI caches its menu index and rpcd reads ACL files when it starts: both must see the new files.
const LUCI_POSTINST = `#!/bin/sh
# luci-app-paradrop postinst: make LuCI and rpcd see the new menu entry and ACL.
[ -n "\${IPKG_INSTROOT}" ] && exit 0
rm -f /tmp/luci-indexcache /tmp/luci-indexcache.*
rm -rf /tmp/luci-modulecache/
/etc/init.d/rpcd reload
exit 0
`;

const LUCI_POSTRM = `#!/bin/sh
# luci-app-paradrop postrm: drop LuCI's cached menu so that the entry goes away.
[ -n "\${IPKG_INSTROOT}" ] && exit 0
rm -f /tmp/luci-indexcache /tmp/luci-indexcache.*
rm -rf /tmp/luci-modulecache/
exit 0
`;

/** Which package holds which file: `src` files, `tree` directories (mode from the executable bit), links. */
export function packageSpecs() {
  return [
    {
      name: 'paradrop', section: 'net', depends: PARADROP_DEPENDS,
      description: 'ParaDrop: third-party services (chutes) in LXC containers on the gateway\n' +
        'Compiles chutes into UCI network/wireless/dhcp/firewall sections, LXC configs, cgroup\n' +
        'limits and traffic shaping, applies them, and runs the chutes\' lifecycle; a ubus daemon\n' +
        '(object paradrop) serves the CLI and LuCI. Needs an x86 gateway (Node.js needs SSE2).',
      conffiles: ['/etc/config/paradrop'],
      scripts: { postinst: POSTINST, prerm: PRERM },
      files: [
        { path: '/usr/lib/paradrop/paradrop.js', src: 'dist/openwrt/paradrop.js', mode: 0o755 },
        { path: '/usr/lib/paradrop/chute-init', src: 'files/usr/lib/paradrop/chute-init', mode: 0o755 },
        { path: '/usr/bin/paradrop', link: '../lib/paradrop/paradrop.js' },
        { path: '/usr/share/paradrop/examples', tree: 'files/usr/share/paradrop/examples' },
        { path: '/etc/init.d/paradrop', src: 'files/etc/init.d/paradrop', mode: 0o755 },
        { path: '/etc/config/paradrop', src: 'files/etc/config/paradrop', mode: 0o600 },
        { path: '/etc/uci-defaults/90-paradrop', src: 'files/etc/uci-defaults/90-paradrop', mode: 0o755 },
        { path: '/etc/profile.d/paradrop.sh', src: 'files/etc/profile.d/paradrop.sh', mode: 0o644 },
        { path: '/lib/upgrade/keep.d/paradrop', src: 'files/lib/upgrade/keep.d/paradrop', mode: 0o644 },
      ],
    },
    {
      name: 'luci-app-paradrop', section: 'luci', depends: ['paradrop', 'luci-base'],
      description: 'LuCI page for ParaDrop chutes (Services > ParaDrop)\n' +
        'Chutes with state, addresses, limits and usage; install from a URL, a path or an uploaded\n' +
        'chute.json; start, stop, freeze, remove, resources, logs and the progress of changes.',
      conffiles: [],
      scripts: { postinst: LUCI_POSTINST, postrm: LUCI_POSTRM },
      files: [
        { path: '/usr/share/rpcd/acl.d/luci-app-paradrop.json', src: 'files/usr/share/rpcd/acl.d/luci-app-paradrop.json', mode: 0o644 },
        { path: '/usr/share/luci/menu.d/luci-app-paradrop.json', src: 'files/usr/share/luci/menu.d/luci-app-paradrop.json', mode: 0o644 },
        { path: '/www/luci-static/resources/view/paradrop', tree: 'files/www/luci-static/resources/view/paradrop' },
      ],
    },
  ];
}

// ---- tar (ustar) ----

function octal(value, width) {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

/** ustar keeps names over 100 bytes by moving leading directories into the 155-byte prefix. */
function splitName(name) {
  if (Buffer.byteLength(name) <= 100) return ['', name];
  for (let i = name.indexOf('/'); i > 0; i = name.indexOf('/', i + 1)) {
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100 && rest !== '') return [prefix, rest];
  }
  throw new Error(`tar: name too long for ustar: ${name}`);
}

function tarHeader({ name, mode, size, mtime, type, linkname = '' }) {
  const h = Buffer.alloc(512);
  const [prefix, base] = splitName(name);
  const put = (offset, width, text) => h.write(text, offset, width, 'utf8');
  put(0, 100, base);
  put(100, 8, octal(mode, 8));
  put(108, 8, octal(0, 8));
  put(116, 8, octal(0, 8));
  put(124, 12, octal(size, 12));
  put(136, 12, octal(mtime, 12));
  put(148, 8, '        ');
  put(156, 1, type);
  put(157, 100, linkname);
  put(257, 6, 'ustar\0');
  put(263, 2, '00');
  put(265, 32, 'root');
  put(297, 32, 'root');
  put(329, 8, octal(0, 8));
  put(337, 8, octal(0, 8));
  put(345, 155, prefix);
  let sum = 0;
  for (const b of h) sum += b;
  put(148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

/** entries: {name, type: 'dir'|'file'|'link', mode, data?, linkname?}, written in the given order. */
export function writeTar(entries, mtime) {
  const parts = [];
  for (const e of entries) {
    const type = e.type === 'dir' ? '5' : e.type === 'link' ? '2' : '0';
    const data = e.type === 'file' ? e.data : Buffer.alloc(0);
    parts.push(tarHeader({ name: e.name, mode: e.mode, size: data.length, mtime, type, linkname: e.linkname ?? '' }));
    if (data.length > 0) {
      parts.push(data);
      const pad = (512 - (data.length % 512)) % 512;
      if (pad) parts.push(Buffer.alloc(pad));
    }
  }
  parts.push(Buffer.alloc(1024));
  const body = Buffer.concat(parts);
  // GNU tar's default record size (10240), as ipkg-build's archives have.
  const record = 10240;
  const padded = Math.ceil(body.length / record) * record;
  return Buffer.concat([body, Buffer.alloc(padded - body.length)]);
}

/** Name order per path component, so every directory comes right before its own children. */
function compareNames(a, b) {
  const pa = a.split('/').filter(Boolean);
  const pb = b.split('/').filter(Boolean);
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (pa[i] !== pb[i]) return pa[i] < pb[i] ? -1 : 1;
  }
  return pa.length - pb.length;
}

/** Adds "./" and every parent directory (0755) and sorts; names are "./etc/config/paradrop", dirs end in "/". */
export function withDirectories(files) {
  const dirs = new Set(['./']);
  for (const f of files) {
    const parts = f.name.replace(/^\.\//, '').split('/').filter(Boolean);
    for (let i = 1; i < parts.length; i++) dirs.add(`./${parts.slice(0, i).join('/')}/`);
  }
  const all = [...[...dirs].map((name) => ({ name, type: 'dir', mode: 0o755 })), ...files];
  return all.sort((x, y) => compareNames(x.name, y.name));
}

// ---- package contents ----

function walkTree(srcDir, destDir, out) {
  for (const entry of readdirSync(srcDir).sort()) {
    const src = join(srcDir, entry);
    const st = lstatSync(src);
    if (st.isDirectory()) walkTree(src, `${destDir}/${entry}`, out);
    else if (st.isFile()) out.push({ name: `.${destDir}/${entry}`, type: 'file', mode: (st.mode & 0o111) ? 0o755 : 0o644, data: readFileSync(src) });
  }
}

export function dataEntries(spec, root = ROOT) {
  const files = [];
  for (const f of spec.files) {
    if (f.link !== undefined) files.push({ name: `.${f.path}`, type: 'link', mode: 0o777, linkname: f.link });
    else if (f.tree !== undefined) walkTree(join(root, f.tree), f.path, files);
    else files.push({ name: `.${f.path}`, type: 'file', mode: f.mode, data: readFileSync(join(root, f.src)) });
  }
  return withDirectories(files);
}

export function controlText(spec, version, epoch, installedSize) {
  const [summary, ...more] = spec.description.split('\n');
  return [
    `Package: ${spec.name}`,
    `Version: ${version}`,
    `Depends: ${spec.depends.join(', ')}`,
    `Source: openwrt/${spec.name}`,
    `SourceName: ${spec.name}`,
    'License: Apache-2.0',
    `Section: ${spec.section}`,
    `SourceDateEpoch: ${epoch}`,
    'Architecture: all',
    `Installed-Size: ${installedSize}`,
    `Description: ${summary}`,
    ...more.map((line) => ` ${line}`),
    '',
  ].join('\n');
}

export function buildIpk(spec, version, epoch, root = ROOT) {
  const gz = (buf) => gzipSync(buf, { level: 9 });
  const dataTar = writeTar(dataEntries(spec, root), epoch);
  const control = [{ name: './control', type: 'file', mode: 0o644, data: Buffer.from(controlText(spec, version, epoch, dataTar.length)) }];
  if (spec.conffiles.length > 0) control.push({ name: './conffiles', type: 'file', mode: 0o644, data: Buffer.from(spec.conffiles.map((c) => `${c}\n`).join('')) });
  for (const [name, text] of Object.entries(spec.scripts)) control.push({ name: `./${name}`, type: 'file', mode: 0o755, data: Buffer.from(text) });
  const controlTar = writeTar(withDirectories(control), epoch);
  const outer = writeTar([
    { name: './debian-binary', type: 'file', mode: 0o644, data: Buffer.from('2.0\n') },
    { name: './data.tar.gz', type: 'file', mode: 0o644, data: gz(dataTar) },
    { name: './control.tar.gz', type: 'file', mode: 0o644, data: gz(controlTar) },
  ], epoch);
  return gz(outer);
}

// ---- version, release, time ----

export function makefileVar(text, name) {
  const m = new RegExp(`^${name}:=(.*)$`, 'm').exec(text);
  return m ? m[1].trim() : undefined;
}

export function packageVersion(root = ROOT) {
  const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
  const makefile = readFileSync(join(root, 'openwrt/paradrop/Makefile'), 'utf8');
  const mkVersion = makefileVar(makefile, 'PKG_VERSION');
  const release = makefileVar(makefile, 'PKG_RELEASE');
  if (mkVersion !== version) throw new Error(`openwrt/paradrop/Makefile has PKG_VERSION ${mkVersion}, package.json ${version}: make them agree`);
  if (!/^\d+$/.test(release ?? '')) throw new Error(`openwrt/paradrop/Makefile: PKG_RELEASE ${release} is not a number`);
  return `${version}-${release}`;
}

function sourceDateEpoch(root) {
  const env = process.env.SOURCE_DATE_EPOCH;
  if (env !== undefined && /^\d+$/.test(env)) return Number(env);
  try {
    return Number(execFileSync('git', ['log', '-1', '--format=%ct'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()) || 0;
  } catch {
    return 0;
  }
}

function main(argv) {
  const i = argv.indexOf('--out');
  const outDir = i >= 0 && argv[i + 1] ? argv[i + 1] : join(ROOT, 'dist');
  try {
    lstatSync(join(ROOT, 'dist/openwrt/paradrop.js'));
  } catch {
    throw new Error('dist/openwrt/paradrop.js is missing: run `npm run build` first (or `npm run package`)');
  }
  const version = packageVersion();
  const epoch = sourceDateEpoch(ROOT);
  mkdirSync(outDir, { recursive: true });
  for (const spec of packageSpecs()) {
    const file = join(outDir, `${spec.name}_${version}_all.ipk`);
    const ipk = buildIpk(spec, version, epoch);
    writeFileSync(file, ipk);
    console.log(`${relative(process.cwd(), file) || file}: ${ipk.length} bytes`);
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    console.error(`package: ${err.message}`);
    process.exitCode = 1;
  }
}
