// Real packets through the Linux applier (as root, in namespaces this test creates; nothing is
// sent outside them). A simulated home (home.ts) gets the compiler's output for SecCam + EnvSense
// (test/golden/both-chutes-v2, profile v2: lan br-lan 192.168.1.1/24, wan eth1 203.0.113.2/24),
// applied in the gateway namespace; then the chutes' veths are attached as LXC would, and small
// TCP/UDP servers and clients check what fw4 would allow (../shared/vectors/fw4 semantics):
// redirects from the LAN reach the chute, a wan-type chute reaches the Internet masqueraded,
// chutes reach neither the LAN, nor each other, nor the gateway's services (DNS only from the
// wan-type zone), the LAN cannot reach a chute without a redirect. And co-existence: the
// gateway's own lan/wan traffic is not decided by our table.
import test from 'ava';
import { rmSync } from 'node:fs';
import { createLinuxApplier } from '../../../src/platform/linux/index.js';
import { loadProfile } from '../../../src/plan/load-profile.js';
import type { GatewayProfile } from '../../../src/plan/types.js';
import { ENVSENSE, SECCAM, attachChute, buildHome, goldenConfig, type Home } from './home.js';
import { Lab } from './lab.js';

const lab = new Lab();
let home: Home;
let seccam: string;
let envsense: string;
let profile: GatewayProfile;

test.before(async () => {
  profile = await loadProfile(new URL('../../../../test/golden/profiles/v2.json', import.meta.url).pathname);
  home = await buildHome(lab);
  const applier = createLinuxApplier({ runDir: `/tmp/pdl-${lab.id}-run`, netns: home.gw });
  await applier.apply(goldenConfig('both-chutes-v2'), profile);
  seccam = await attachChute(lab, home, 'seccam', SECCAM);
  envsense = await attachChute(lab, home, 'envsense', ENVSENSE);
  // The LAN host may try chute subnets directly; the WAN host knows the way back to the LAN (so
  // that un-NATed LAN traffic can be seen passing), but not to the chutes.
  await lab.ip(home.lan, 'route', 'add', '10.100.0.0/16', 'via', '192.168.1.1');
  await lab.ip(home.wan, 'route', 'add', '192.168.1.0/24', 'via', '203.0.113.2');
  await lab.serve(seccam, [80, 22, 8080], 'seccam');
  await lab.serve(envsense, [80], 'envsense');
  await lab.serve(home.lan, [80], 'lan-host');
  await lab.serve(home.wan, [80], 'wan-host');
  await lab.serve(home.gw, [22, 53], 'gateway');
});

test.after.always(async () => {
  await lab.cleanup();
  rmSync(`/tmp/pdl-${lab.id}-run`, { recursive: true, force: true });
});

const tcp = (ns: string, host: string, port: number) => lab.tool(ns, ['tcp', host, String(port)]);
const udp = (ns: string, host: string, port: number) => lab.tool(ns, ['udp', host, String(port)], 1500);
const reply = (r: Record<string, unknown>) => r.reply as { peer: string; port: number; name: string } | undefined;

test.serial('LAN → gateway:5000 reaches SecCam port 80, :5001 its port 22, :5002 EnvSense port 80 (redirects)', async (t) => {
  for (const [port, name, target] of [[5000, 'seccam', 80], [5001, 'seccam', 22], [5002, 'envsense', 80]] as const) {
    const r = await tcp(home.lan, '192.168.1.1', port);
    t.true(r.ok, `${port}: ${JSON.stringify(r)}`);
    t.like(reply(r), { name, port: target, peer: '192.168.1.100' }, `port ${port}`);
  }
});

test.serial('a wan-type chute reaches the Internet host, masqueraded as the gateway', async (t) => {
  for (const ns of [seccam, envsense]) {
    const r = await tcp(ns, '203.0.113.1', 80);
    t.true(r.ok, JSON.stringify(r));
    t.like(reply(r), { name: 'wan-host', peer: '203.0.113.2' });
  }
});

test.serial('a chute cannot reach the LAN (reset by the gateway)', async (t) => {
  t.like(await tcp(seccam, '192.168.1.100', 80), { ok: false, code: 'ECONNREFUSED' });
  t.like(await tcp(envsense, '192.168.1.100', 80), { ok: false, code: 'ECONNREFUSED' });
});

test.serial('the LAN cannot reach a chute port without a redirect', async (t) => {
  t.like(await tcp(home.lan, '10.100.13.1', 80), { ok: false, code: 'ECONNREFUSED' });
  t.like(await tcp(home.lan, '10.100.12.1', 8080), { ok: false, code: 'ECONNREFUSED' });
  t.like(await tcp(home.lan, '10.100.20.1', 80), { ok: false, code: 'ECONNREFUSED' });
});

test.serial('chutes cannot reach each other', async (t) => {
  t.like(await tcp(seccam, '10.100.20.1', 80), { ok: false, code: 'ECONNREFUSED' });
  t.like(await tcp(seccam, '10.100.21.1', 80), { ok: false, code: 'ECONNREFUSED' });
  t.like(await tcp(envsense, '10.100.12.1', 80), { ok: false, code: 'ECONNREFUSED' });
  t.like(await tcp(envsense, '10.100.13.1', 22), { ok: false, code: 'ECONNREFUSED' });
});

test.serial("the wifi-type subnet reaches no gateway service; DNS only from the wan-type zone", async (t) => {
  // From the wifi-type address (10.100.13.1 on br-pdxf51): ssh and DNS refused.
  t.like(await tcp(seccam, '10.100.13.2', 22), { ok: false, code: 'ECONNREFUSED' });
  t.like(await tcp(seccam, '10.100.13.2', 53), { ok: false, code: 'ECONNREFUSED' });
  t.false((await udp(seccam, '10.100.13.2', 53)).ok);
  // From the wan-type address (10.100.12.1 on br-pdxf50): DNS allowed (tcp and udp), ssh refused.
  t.like(reply(await tcp(seccam, '10.100.12.2', 53)), { name: 'gateway', port: 53, peer: '10.100.12.1' });
  t.like(reply(await udp(seccam, '10.100.12.2', 53)), { name: 'gateway', port: 53, peer: '10.100.12.1' });
  t.like(await tcp(seccam, '10.100.12.2', 22), { ok: false, code: 'ECONNREFUSED' });
  t.like(await tcp(envsense, '10.100.20.2', 22), { ok: false, code: 'ECONNREFUSED' });
});

test.serial("co-existence: the gateway's own LAN and WAN traffic is not decided by our table", async (t) => {
  // fw4 would reject wan → gateway:22; on a plain Linux gateway that is the gateway's own firewall's call.
  t.like(reply(await tcp(home.wan, '203.0.113.2', 22)), { name: 'gateway' });
  t.like(reply(await tcp(home.lan, '192.168.1.1', 22)), { name: 'gateway' });
  // LAN → Internet is forwarded but not masqueraded by us (the gateway's own NAT would do that).
  t.like(reply(await tcp(home.lan, '203.0.113.1', 80)), { name: 'wan-host', peer: '192.168.1.100' });
});

test.serial('control: without our table the same chute does reach the LAN, so the blocks above are ours', async (t) => {
  await lab.exec(home.gw, 'nft', ['delete', 'table', 'inet', 'paradrop']);
  t.like(reply(await tcp(seccam, '192.168.1.100', 80)), { name: 'lan-host' });
  const applier = createLinuxApplier({ runDir: `/tmp/pdl-${lab.id}-run`, netns: home.gw });
  await applier.apply(goldenConfig('both-chutes-v2'), profile);
  t.like(await tcp(seccam, '192.168.1.100', 80), { ok: false, code: 'ECONNREFUSED' });
});
