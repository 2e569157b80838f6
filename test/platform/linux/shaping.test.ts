// Traffic shaping of the Linux applier, measured with real transfers (as root, in namespaces this
// test creates): a wan-type chute downloads from and uploads to the WAN host through the gateway.
// Both directions are shaped on the gateway side of its veth (down: egress; up: ingress redirected
// to an ifb), nothing inside the chute's namespace (whose pid, as its init's, only finds its
// veths). Rates must be within ±15% both ways; a control transfer without shaping is much
// faster; applying twice changes nothing; a plan without rates removes exactly what shaping
// added on this chute's veth, and nothing elsewhere.
import test from 'ava';
import { rmSync } from 'node:fs';
import { createLinuxApplier } from '../../../src/platform/linux/index.js';
import { htbArgs } from '../../../src/platform/linux/shaping.js';
import type { ShapingPlan } from '../../../src/plan/types.js';
import { attachChute, buildHome } from './home.js';
import { Lab } from './lab.js';
import { vectorProfile } from './profiles.js';
import { configOf } from './vectors.js';

const NETWORK = `
config device 'pd_s0_br'
	option name 'br-pds0'
	option type 'bridge'
	option bridge_empty '1'

config interface 'pd_s0'
	option device 'br-pds0'
	option proto 'static'
	option ipaddr '10.100.50.2'
	option netmask '255.255.255.0'
`;
const FIREWALL = `
config zone 'pd_s0_z'
	option name 'pdzs0'
	list network 'pd_s0'
	option input 'REJECT'
	option output 'ACCEPT'
	option forward 'REJECT'

config forwarding 'pd_s0_fwd'
	option src 'pdzs0'
	option dest 'wan'
`;

const DOWN_KBPS = 8000;
const UP_KBPS = 4000;
const PLAN: ShapingPlan[] = [{ iface: 'wan', down: { dev: 'vpds0', kbps: DOWN_KBPS }, up: { dev: 'vpds0', kbps: UP_KBPS, ifb: 'ipds0' } }];

test('htb arguments: rate and ceil at the plan, burst of 10 ms but at least ten frames', (t) => {
  const a = htbArgs('vpdx', 8000);
  t.deepEqual(a.qdisc, ['qdisc', 'replace', 'dev', 'vpdx', 'root', 'handle', '7064:', 'htb', 'default', '1']);
  t.deepEqual(a.cls.slice(0, 12), ['class', 'replace', 'dev', 'vpdx', 'parent', '7064:', 'classid', '7064:1', 'htb', 'rate', '8000kbit', 'ceil']);
  t.is(a.cls[a.cls.indexOf('burst') + 1], '15140');
  t.is(htbArgs('v', 100000).cls[htbArgs('v', 100000).cls.indexOf('burst') + 1], '125000');
});

test.serial('down and up rates are enforced within ±15%, idempotently, and removed without touching others', async (t) => {
  const lab = new Lab();
  const runDir = `/tmp/pdl-${lab.id}-run`;
  try {
    const home = await buildHome(lab);
    const applier = createLinuxApplier({ runDir, netns: home.gw });
    await applier.apply(configOf(NETWORK, FIREWALL), vectorProfile());
    const chute = await attachChute(lab, home, 'chute', [{ hostVeth: 'vpds0', bridge: 'br-pds0', intf: 'eth0', cidr: '10.100.50.1/24', gateway: '10.100.50.2' }]);
    await lab.serve(home.wan, [80]);
    const init = await lab.sleeper(chute);
    const kbps = (r: Record<string, unknown>) => ((r.bytes as number) * 8) / (r.ms as number);

    const freeDown = kbps(await lab.tool(chute, ['download', '203.0.113.1', '80', String(8_000_000)], 20_000));
    t.true(freeDown > DOWN_KBPS * 3, `unshaped download ${freeDown.toFixed(0)} kbit/s`);

    // A qdisc with our handle on a device that is not this chute's: must survive removal below.
    await lab.ip(home.gw, 'link', 'add', 'vpdother', 'type', 'veth', 'peer', 'name', 'vpdother-p');
    await lab.exec(home.gw, 'tc', htbArgs('vpdother', 1000).qdisc);

    await applier.applyShaping(PLAN, init);
    const once = { q: await lab.exec(home.gw, 'tc', ['qdisc', 'show']), f: await lab.exec(home.gw, 'tc', ['filter', 'show', 'dev', 'vpds0', 'ingress']) };
    await applier.applyShaping(PLAN, init);
    t.deepEqual({ q: await lab.exec(home.gw, 'tc', ['qdisc', 'show']), f: await lab.exec(home.gw, 'tc', ['filter', 'show', 'dev', 'vpds0', 'ingress']) }, once);
    const observed = (await applier.observe()).qdiscs.filter((q) => q.dev !== 'vpdother');
    t.deepEqual(observed, [
      { dev: 'vpds0', kind: 'htb', handle: '7064:', rateKbit: DOWN_KBPS },
      { dev: 'ipds0', kind: 'htb', handle: '7064:', rateKbit: UP_KBPS },
    ]);
    t.regex(once.f, /mirred \(Egress Redirect to device ipds0\)/);
    t.notRegex(await lab.exec(chute, 'tc', ['qdisc', 'show']), /htb|ingress/, 'nothing inside the chute');

    const down = kbps(await lab.tool(chute, ['download', '203.0.113.1', '80', String((DOWN_KBPS * 1000 / 8) * 2.5)], 30_000));
    const up = kbps(await lab.tool(chute, ['upload', '203.0.113.1', '80', String((UP_KBPS * 1000 / 8) * 2.5)], 30_000));
    t.log(`unshaped ${freeDown.toFixed(0)}, down ${down.toFixed(0)}, up ${up.toFixed(0)} kbit/s`);
    t.true(Math.abs(down - DOWN_KBPS) / DOWN_KBPS <= 0.15, `download ${down.toFixed(0)} kbit/s, plan ${DOWN_KBPS}`);
    t.true(Math.abs(up - UP_KBPS) / UP_KBPS <= 0.15, `upload ${up.toFixed(0)} kbit/s, plan ${UP_KBPS}`);

    await applier.applyShaping([{ iface: 'wan' }], init);
    t.deepEqual((await applier.observe()).qdiscs.map((q) => q.dev), ['vpdother']);
    t.notRegex(await lab.exec(home.gw, 'tc', ['qdisc', 'show', 'dev', 'vpds0']), /ingress|htb/);
    t.notRegex(await lab.ip(home.gw, 'link', 'show'), /ipds0/);
    const again = kbps(await lab.tool(chute, ['download', '203.0.113.1', '80', String(8_000_000)], 20_000));
    t.true(again > DOWN_KBPS * 3, `download after removal ${again.toFixed(0)} kbit/s`);
    const upAgain = kbps(await lab.tool(chute, ['upload', '203.0.113.1', '80', String(8_000_000)], 20_000));
    t.true(upAgain > UP_KBPS * 3, `upload after removal ${upAgain.toFixed(0)} kbit/s`);
  } finally {
    await lab.cleanup();
    rmSync(runDir, { recursive: true, force: true });
  }
});
