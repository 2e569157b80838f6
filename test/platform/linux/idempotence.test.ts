// Idempotence and convergence of the Linux applier, as root in namespaces this test creates:
// applying twice changes nothing; removing a chute's sections removes exactly its bridges,
// addresses and rules while the other chute keeps working; applying over a half-applied or
// damaged state (table missing, stale bridge, wrong bridge attributes, extra or missing
// addresses) converges; the gateway's own devices are never touched; removeAll leaves nothing.
import test from 'ava';
import { rmSync } from 'node:fs';
import { createLinuxApplier, type LinuxApplier } from '../../../src/platform/linux/index.js';
import { loadProfile } from '../../../src/plan/load-profile.js';
import type { GatewayProfile } from '../../../src/plan/types.js';
import { ENVSENSE, SECCAM, attachChute, buildHome, goldenConfig, type Home, withoutSlot } from './home.js';
import { Lab } from './lab.js';

interface Ctx {
  lab: Lab;
  home: Home;
  applier: LinuxApplier;
  profile: GatewayProfile;
  runDir: string;
}

const PROFILE = new URL('../../../../test/golden/profiles/v2.json', import.meta.url).pathname;

test.beforeEach(async (t) => {
  const lab = new Lab();
  t.context = { lab } as Ctx;
  const home = await buildHome(lab);
  const runDir = `/tmp/pdl-${lab.id}-run`;
  Object.assign(t.context as Ctx, {
    home, runDir, profile: await loadProfile(PROFILE), applier: createLinuxApplier({ runDir, netns: home.gw }),
  });
});

test.afterEach.always(async (t) => {
  const c = t.context as Ctx;
  await c.lab?.cleanup();
  if (c.runDir) rmSync(c.runDir, { recursive: true, force: true });
});

async function snapshot(c: Ctx): Promise<{ table: string; addr: string; links: string }> {
  const addr = JSON.parse(await c.lab.ip(c.home.gw, '-j', 'addr', 'show')) as { ifname: string; addr_info: { local: string; prefixlen: number }[] }[];
  type Link = { ifname: string; master?: string; flags: string[]; linkinfo?: { info_kind?: string; info_data?: Record<string, unknown> } };
  const links = JSON.parse(await c.lab.ip(c.home.gw, '-j', '-d', 'link', 'show')) as Link[];
  // Only what configuration sets: kernel timers and ids change by themselves.
  const stable = (d: Record<string, unknown> = {}) => ['stp_state', 'forward_delay', 'mcast_snooping', 'priority', 'vlan_filtering'].map((k) => d[k]);
  return {
    table: await c.lab.exec(c.home.gw, 'nft', ['-s', 'list', 'table', 'inet', 'paradrop']),
    addr: JSON.stringify(addr.map((a) => [a.ifname, a.addr_info.map((x) => `${x.local}/${x.prefixlen}`)])),
    links: JSON.stringify(links.map((l) => [l.ifname, l.master ?? '', l.flags, l.linkinfo?.info_kind ?? '', ...stable(l.linkinfo?.info_data)])),
  };
}

const tcp = async (c: Ctx, ns: string, host: string, port: number) => c.lab.tool(ns, ['tcp', host, String(port)]);

test('applying twice changes nothing (same table, same addresses, no changes reported)', async (t) => {
  const c = t.context as Ctx;
  const first = await c.applier.reconcile(goldenConfig('both-chutes-v2'), c.profile);
  t.true(first.changes.length > 5, first.changes.join('; '));
  t.deepEqual(first.warnings, []);
  const a = await snapshot(c);
  const second = await c.applier.reconcile(goldenConfig('both-chutes-v2'), c.profile);
  t.deepEqual(second.changes, []);
  t.deepEqual(await snapshot(c), a);
  t.true(a.table.includes('pdzxf51') && a.table.includes('pdz2m20'));
});

test("removing a chute's sections removes exactly its bridges, addresses and rules; the other chute still works", async (t) => {
  const c = t.context as Ctx;
  const both = goldenConfig('both-chutes-v2');
  await c.applier.apply(both, c.profile);
  const sec = await attachChute(c.lab, c.home, 'seccam', SECCAM);
  await attachChute(c.lab, c.home, 'envsense', ENVSENSE);
  await c.lab.serve(sec, [80]);
  const before = await c.applier.observe();
  t.deepEqual(before.bridges.map((b) => b.name).sort(), ['br-pd2m20', 'br-pd2m21', 'br-pdxf50', 'br-pdxf51']);

  const report = await c.applier.reconcile(withoutSlot(both, '2m2'), c.profile);
  t.deepEqual(report.changes.filter((x) => x.startsWith('delete')).sort(), ["delete stale bridge 'br-pd2m20'", "delete stale bridge 'br-pd2m21'"]);
  const after = await c.applier.observe();
  t.deepEqual(after.bridges, before.bridges.filter((b) => b.name.startsWith('br-pdxf5')));
  const addrs = await c.lab.ip(c.home.gw, '-j', 'addr', 'show');
  t.false(addrs.includes('10.100.20.2') || addrs.includes('10.100.21.2'));
  t.false(after.nftTable!.includes('pdz2m2') || after.nftTable!.includes('10.100.21.1') || after.nftTable!.includes('5002'));
  t.true(after.nftTable!.includes('pdzxf50') && after.nftTable!.includes('dnat ip to 10.100.13.1:80'));
  // The gateway's own devices kept everything.
  t.true(addrs.includes('192.168.1.1') && addrs.includes('203.0.113.2'));
  // SecCam still serves the LAN through its redirect; EnvSense's is gone.
  t.like(await tcp(c, c.home.lan, '192.168.1.1', 5000), { ok: true });
  t.like(await tcp(c, c.home.lan, '192.168.1.1', 5002), { ok: false });
});

test('applying over a damaged, half-applied state converges, and leaves non-paradrop devices alone', async (t) => {
  const c = t.context as Ctx;
  const config = goldenConfig('seccam-v2');
  await c.applier.apply(config, c.profile);
  const sec = await attachChute(c.lab, c.home, 'seccam', SECCAM);
  await c.lab.serve(sec, [80]);
  const good = await snapshot(c);

  // Damage: table gone, a stale bridge of a vanished chute with an address, bridge attributes
  // changed, an extra and a missing address; plus devices that are not ours.
  await c.lab.exec(c.home.gw, 'nft', ['delete', 'table', 'inet', 'paradrop']);
  await c.lab.ip(c.home.gw, 'link', 'add', 'br-pdzz0', 'type', 'bridge');
  await c.lab.ip(c.home.gw, 'addr', 'add', '10.100.99.1/24', 'dev', 'br-pdzz0');
  await c.lab.ip(c.home.gw, 'link', 'set', 'br-pdxf50', 'type', 'bridge', 'forward_delay', '1500', 'mcast_snooping', '1');
  await c.lab.ip(c.home.gw, 'addr', 'add', '10.100.12.99/24', 'dev', 'br-pdxf50');
  await c.lab.ip(c.home.gw, 'addr', 'flush', 'dev', 'br-pdxf51');
  await c.lab.ip(c.home.gw, 'link', 'set', 'br-pdxf51', 'down');
  await c.lab.ip(c.home.gw, 'link', 'add', 'br-guest', 'type', 'bridge');
  await c.lab.ip(c.home.gw, 'addr', 'add', '192.168.3.1/24', 'dev', 'br-guest');
  await c.lab.ip(c.home.gw, 'link', 'add', 'pd-other', 'type', 'veth', 'peer', 'name', 'pd-other-peer');
  // Upload-shaping ifbs: one of a chute whose veth is gone (stale), one of a running chute.
  await c.lab.ip(c.home.gw, 'link', 'add', 'ipdzz0', 'type', 'ifb');
  await c.lab.ip(c.home.gw, 'link', 'add', 'ipdxf50', 'type', 'ifb');
  t.like(await tcp(c, c.home.lan, '192.168.1.1', 5000), { ok: false });

  const report = await c.applier.reconcile(config, c.profile);
  t.true(report.changes.includes("delete stale bridge 'br-pdzz0'"), report.changes.join('; '));
  t.true(report.changes.includes("delete ifb 'ipdzz0' of a veth that is gone"));
  t.false(report.changes.some((x) => x.includes('ipdxf50')));
  t.true(report.changes.includes('load nftables table inet paradrop'));
  const now = await snapshot(c);
  t.is(now.table, good.table);
  const ours = (s: string) => (JSON.parse(s) as [string, ...unknown[]][]).filter(([n]) => n.startsWith('br-pd') || n.startsWith('vpd'));
  t.deepEqual(ours(now.addr), ours(good.addr));
  t.deepEqual(ours(now.links), ours(good.links));
  t.true((await c.lab.ip(c.home.gw, 'link', 'show')).includes('ipdxf50'));
  const addrs = await c.lab.ip(c.home.gw, '-j', 'addr', 'show', 'dev', 'br-guest');
  t.true(addrs.includes('192.168.3.1'));
  t.true((await c.lab.ip(c.home.gw, 'link', 'show', 'pd-other')).includes('pd-other'));
  t.like(await tcp(c, c.home.lan, '192.168.1.1', 5000), { ok: true });
  t.deepEqual((await c.applier.reconcile(config, c.profile)).changes, []);
});

test('removeAll leaves no table and no br-pd* bridge, and only those', async (t) => {
  const c = t.context as Ctx;
  await c.applier.apply(goldenConfig('both-chutes-v2'), c.profile);
  const done = await c.applier.removeAll();
  t.true(done.includes('delete nftables table inet paradrop'));
  const o = await c.applier.observe();
  t.deepEqual(o.bridges, []);
  t.is(o.nftTable, undefined);
  const links = await c.lab.ip(c.home.gw, 'link', 'show');
  t.true(links.includes('br-lan') && links.includes('eth1') && links.includes('lan0'));
  t.deepEqual(await c.applier.removeAll(), []);
});
