// The OpenWrt platform on this Debian machine. The `uci` binary here is OUR `paradrop uci` (a real
// uci-compatible implementation, run through a two-line wrapper script), not a mock; fw4, wifi and
// /etc/init.d/{network,firewall,dnsmasq} are test doubles that record their calls (they cannot
// run outside OpenWrt). Asserts: a LuCI user's staged change survives untouched and uncommitted;
// only paradrop's sections change; only the affected services reload; a failing `fw4 check`
// leaves the firewall file as it was.
import test from 'ava';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseUci, replaceOwnedSections } from '../../../src/uci/index.js';
import { createOpenWrtApplier, createUciWriter, type OpenWrtTools } from '../../../src/platform/openwrt/index.js';
import type { UciConfigSet } from '../../../src/platform/index.js';
import { ParadropError } from '../../../src/errors.js';

const CLI = join(process.cwd(), 'dist/paradrop.js');

const FILES: Record<string, string> = {
  network: "# the gateway's own\nconfig interface 'loopback'\n\toption device 'lo'\n\toption proto 'static'\n\nconfig interface 'lan'\n\toption device 'br-lan'\n\toption proto 'static'\n\toption ipaddr '192.168.1.1'\n",
  firewall: "config defaults\n\toption input 'REJECT'\n\nconfig zone 'lan'\n\toption name 'lan'\n\toption input 'ACCEPT'\n",
  dhcp: "config dnsmasq\n\toption domainneeded '1'\n",
  wireless: "config wifi-device 'radio0'\n\toption type 'mac80211'\n\toption band '2g'\n",
};

interface Env { root: string; conf: string; luci: string; save: string; calls: string; tools: OpenWrtTools; failFile: string }

async function makeEnv(): Promise<Env> {
  const root = await mkdtemp(join(tmpdir(), 'pd-owrt-'));
  const conf = join(root, 'etc-config');
  const bin = join(root, 'bin');
  const initDir = join(root, 'init.d');
  const luci = join(root, 'tmp-uci');
  const calls = join(root, 'calls.log');
  const failFile = join(root, 'fw4-fails');
  for (const d of [conf, bin, initDir, luci]) await mkdir(d, { recursive: true });
  for (const [pkg, text] of Object.entries(FILES)) await writeFile(join(conf, pkg), text);
  // A LuCI user's staged (uncommitted) change, in uci's delta format under its save directory.
  await writeFile(join(luci, 'network'), "network.lan.ipaddr='192.168.5.1'\n");
  const script = async (path: string, body: string): Promise<void> => {
    await writeFile(path, `#!/bin/sh\n${body}\n`);
    await chmod(path, 0o755);
  };
  await script(join(bin, 'uci'), `exec "${process.execPath}" "${CLI}" uci "$@"`);
  await script(join(bin, 'fw4'), `echo "fw4 $*" >> "${calls}"; [ -e "${failFile}" ] && { echo 'Error: bad rule' >&2; exit 1; }; exit 0`);
  await script(join(bin, 'wifi'), `echo "wifi $*" >> "${calls}"`);
  for (const s of ['network', 'firewall', 'dnsmasq']) await script(join(initDir, s), `echo "${s} $*" >> "${calls}"`);
  const tools = { path: `${bin}:${dirname(process.execPath)}:/usr/bin:/bin`, initDir, timeoutMs: 30_000 };
  return { root, conf, luci, save: join(root, 'pd-save'), calls, tools, failFile };
}

const isOwned = (s: { name: string; anonymous: boolean }): boolean => !s.anonymous && s.name.startsWith('pd_');

async function calls(e: Env): Promise<string[]> {
  const text = await readFile(e.calls, 'utf8').catch(() => '');
  await rm(e.calls, { force: true });
  return text.split('\n').filter((l) => l !== '');
}

function withOwned(text: string, pkg: string, sections: { type: string; name: string; options: { name: string; value: string | string[] }[] }[]): string {
  return replaceOwnedSections(text, pkg, sections, isOwned);
}

async function configSet(e: Env): Promise<UciConfigSet> {
  const out: Partial<UciConfigSet> = {};
  for (const pkg of ['network', 'wireless', 'dhcp', 'firewall'] as const) out[pkg] = parseUci(await readFile(join(e.conf, pkg), 'utf8'), pkg);
  return out as UciConfigSet;
}

const foreign = (text: string, pkg: string) => parseUci(text, pkg).sections.filter((s) => !isOwned(s)).map((s) => ({ type: s.type, name: s.name, options: s.options }));

test('writes through our real uci CLI (wrapper) with a private save dir: LuCI staged change untouched, only pd_ sections change, only affected services reload (init.d/fw4/wifi are recording test doubles)', async (t) => {
  const e = await makeEnv();
  t.teardown(() => rm(e.root, { recursive: true, force: true }));
  const write = createUciWriter({ configDir: e.conf, saveDir: e.save, tools: e.tools });
  const applier = createOpenWrtApplier({ configDir: e.conf, runDir: join(e.root, 'run'), tools: e.tools });
  const stagedBefore = await readFile(join(e.luci, 'network'));

  const net = withOwned(FILES.network!, 'network', [{ type: 'interface', name: 'pd_a1_wan', options: [{ name: 'device', value: 'br-pda1' }, { name: 'proto', value: 'static' }, { name: 'ipaddr', value: '10.128.0.1' }] }]);
  const fw = withOwned(FILES.firewall!, 'firewall', [{ type: 'zone', name: 'pd_a1', options: [{ name: 'name', value: 'pd_a1' }, { name: 'network', value: ['pd_a1_wan'] }] }]);
  await write('network', net);
  await write('firewall', fw);
  t.deepEqual(await calls(e), ['fw4 check'], 'the new firewall config was checked');

  for (const [pkg, want] of [['network', net], ['firewall', fw]] as const) {
    const now = await readFile(join(e.conf, pkg), 'utf8');
    t.deepEqual(foreign(now, pkg), foreign(FILES[pkg]!, pkg), `${pkg}: the gateway's own sections are unchanged`);
    t.deepEqual(parseUci(now, pkg).sections.filter(isOwned).map((s) => [s.name, s.options]),
      parseUci(want, pkg).sections.filter(isOwned).map((s) => [s.name, s.options]), `${pkg}: paradrop's sections are as asked`);
  }
  t.deepEqual(await readFile(join(e.luci, 'network')), stagedBefore, 'the LuCI staged delta is byte for byte the same');
  t.regex(await readFile(join(e.conf, 'network'), 'utf8'), /192\.168\.1\.1/, 'the staged ipaddr was not committed by us');
  t.is(await readFile(join(e.conf, 'dhcp'), 'utf8'), FILES.dhcp!, 'an unchanged package is not rewritten');

  // First apply: nothing applied yet, so every package's state is pending once.
  await applier.apply(await configSet(e), {} as never);
  t.deepEqual(await calls(e), ['network reload', 'wifi reload', 'firewall reload', 'dnsmasq reload']);
  await applier.apply(await configSet(e), {} as never);
  t.deepEqual(await calls(e), [], 'nothing changed: nothing reloads');

  // Only the firewall changes now: only the firewall reloads.
  const fw2 = withOwned(fw, 'firewall', [{ type: 'zone', name: 'pd_a1', options: [{ name: 'name', value: 'pd_a1' }, { name: 'network', value: ['pd_a1_wan'] }, { name: 'input', value: 'REJECT' }] }]);
  await write('firewall', fw2);
  await applier.apply(await configSet(e), {} as never);
  t.deepEqual(await calls(e), ['fw4 check', 'firewall reload']);

  // Removing every paradrop section (the engine's null) keeps the file and the gateway's sections.
  await write('network', null);
  t.deepEqual(foreign(await readFile(join(e.conf, 'network'), 'utf8'), 'network'), foreign(FILES.network!, 'network'));
  t.false((await readFile(join(e.conf, 'network'), 'utf8')).includes('pd_'));
  await applier.removeAll!();
  t.deepEqual(await calls(e), ['network reload']);
  t.deepEqual(await readFile(join(e.luci, 'network')), stagedBefore);
});

test('a failing fw4 check puts the firewall file back byte for byte and fails the write (fw4 is a recording test double)', async (t) => {
  const e = await makeEnv();
  t.teardown(() => rm(e.root, { recursive: true, force: true }));
  const write = createUciWriter({ configDir: e.conf, saveDir: e.save, tools: e.tools });
  const before = await readFile(join(e.conf, 'firewall'));
  await writeFile(e.failFile, '');
  const fw = withOwned(FILES.firewall!, 'firewall', [{ type: 'rule', name: 'pd_a1_bad', options: [{ name: 'src', value: 'nowhere' }] }]);
  const err = await t.throwsAsync(write('firewall', fw));
  t.true(err instanceof ParadropError);
  t.is((err as ParadropError).code, 'COMMAND_FAILED');
  t.regex(err!.message, /fw4 check.*put back.*bad rule/);
  t.deepEqual(await readFile(join(e.conf, 'firewall')), before);
  t.deepEqual(await calls(e), ['fw4 check'], 'nothing reloaded');
});
