// The Linux applier's bridges and addresses against the real netifd (../shared/vectors/netifd), as
// root in namespaces this test creates. Per case: a gateway namespace where the case's
// `ports_present` exist as veths with their peers up (in a second namespace, as the README's
// harness had them), the gateway's own part set up as netifd had it (br-lan with port eth0 and
// 192.168.1.1/24, eth1 with 203.0.113.2/24: the applier never creates or touches those), then the
// case's `network` applied. Compared with `links` as the README says: set equality on ifname, then
// kind, master, port_state, members, UP/LOWER_UP/NO-CARRIER flags, operstate, mtu, bridge
// attributes and addr_info; and our interface status with `interfaces[]` (up, available, error
// codes, l3_device, ipv4-address) for paradrop's interfaces.
// Cases covered: all 8 (bridge_empty_static, bridge_without_bridge_empty_static,
// empty_bridge_static_vs_none_force_link, interface_missing_device, ipaddr_cidr_vs_netmask,
// ipaddr_list_of_two, device_name_over_15_chars, bridge_with_port_and_chute_bridges).
import test from 'ava';
import { rmSync } from 'node:fs';
import { createLinuxApplier } from '../../../src/platform/linux/index.js';
import { Lab } from './lab.js';
import { vectorProfile } from './profiles.js';
import { type VectorLink, configOf, netifdCases } from './vectors.js';

const cases = netifdCases();
const FLAGS = ['UP', 'LOWER_UP', 'NO-CARRIER'];

test('the vectors hold the 8 netifd cases this file was written for', (t) => {
  t.is(cases.length, 8);
});

interface IpLink {
  ifname: string;
  flags: string[];
  operstate: string;
  mtu: number;
  master?: string;
  linkinfo?: { info_kind?: string; info_data?: Record<string, number>; info_slave_data?: { state?: string } };
}
interface IpAddr { ifname: string; addr_info: VectorLink['addr_info'] }

/** `ip -j -d link` + `ip -j addr`, trimmed like the vectors' `links`. */
function trim(links: IpLink[], addrs: IpAddr[], leaveOut: Set<string>): VectorLink[] {
  const kept = links.filter((l) => l.ifname !== 'lo' && !leaveOut.has(l.ifname));
  return kept.map((l) => {
    const v: VectorLink = {
      ifname: l.ifname,
      flags: l.flags.filter((f) => FLAGS.includes(f)).sort(),
      operstate: l.operstate,
      mtu: l.mtu,
      addr_info: (addrs.find((a) => a.ifname === l.ifname)?.addr_info ?? [])
        .filter((a) => !(a.family === 'inet6' && a.scope === 'link'))
        .map((a) => ({ family: a.family, local: a.local, prefixlen: a.prefixlen, broadcast: a.broadcast!, scope: a.scope, label: a.label! })),
    };
    if (l.linkinfo?.info_kind) v.kind = l.linkinfo.info_kind;
    if (l.master) {
      v.master = l.master;
      v.port_state = l.linkinfo?.info_slave_data?.state ?? '';
    }
    if (v.kind === 'bridge') {
      const d = l.linkinfo?.info_data ?? {};
      v.members = kept.filter((m) => m.master === l.ifname).map((m) => m.ifname);
      v.bridge = { stp_state: d.stp_state!, forward_delay: d.forward_delay!, vlan_filtering: d.vlan_filtering!, mcast_snooping: d.mcast_snooping! };
    }
    return v;
  });
}

function normalise(links: VectorLink[]): VectorLink[] {
  return links
    .map((l) => ({ ...l, flags: l.flags.filter((f) => FLAGS.includes(f)).sort(), addr_info: l.addr_info.map((a) => ({ ...a })) }))
    .sort((a, b) => a.ifname.localeCompare(b.ifname));
}

for (const c of cases) {
  test(`netifd ${c.name}: our bridges and addresses match netifd's`, async (t) => {
    const lab = new Lab();
    const runDir = `/tmp/pdl-${lab.id}-run`;
    try {
      const gw = await lab.ns('gw');
      const ports = await lab.ns('ports');
      for (const p of c.ports_present) await lab.veth(gw, p, ports, `peer-${p}`);
      // The gateway's own network, as netifd set it up in the vector (not the applier's job).
      await lab.ip(gw, 'link', 'add', 'br-lan', 'type', 'bridge', 'stp_state', '0', 'forward_delay', '800', 'mcast_snooping', '0', 'priority', '32767');
      await lab.ip(gw, 'link', 'set', 'eth0', 'master', 'br-lan');
      await lab.ip(gw, 'link', 'set', 'br-lan', 'up');
      await lab.ip(gw, 'addr', 'add', '192.168.1.1/24', 'brd', '+', 'dev', 'br-lan');
      await lab.ip(gw, 'addr', 'add', '203.0.113.2/24', 'brd', '+', 'dev', 'eth1');

      const applier = createLinuxApplier({ runDir, netns: gw });
      const config = configOf(c.network);
      const report = await applier.reconcile(config, vectorProfile());
      if (c.name === 'device_name_over_15_chars') t.true(report.refusals.some((r) => r.includes('br-pd1w-chute-xy')));

      // Carrier and port states settle within a moment; compare until equal, bounded.
      let got: VectorLink[] = [];
      const want = normalise(c.links);
      for (let i = 0; i < 40; i++) {
        const links = JSON.parse(await lab.ip(gw, '-j', '-d', 'link', 'show')) as IpLink[];
        const addrs = JSON.parse(await lab.ip(gw, '-j', 'addr', 'show')) as IpAddr[];
        got = normalise(trim(links, addrs, new Set()));
        if (JSON.stringify(got) === JSON.stringify(want)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      t.deepEqual(got.map((l) => l.ifname), want.map((l) => l.ifname));
      t.deepEqual(got, want);

      // Status of paradrop's interfaces, as netifd's dump reports them.
      const status = await applier.status(config, vectorProfile());
      for (const v of c.interfaces.filter((i) => i.interface.startsWith('pd'))) {
        const s = status.interfaces.find((x) => x.interface === v.interface);
        t.truthy(s, v.interface);
        t.like(s, { up: v.up, available: v.available });
        t.deepEqual(s!.errors.map((e) => e.code), (v.errors ?? []).map((e) => e.code), `${v.interface} errors`);
        t.is(s!.l3_device, v.l3_device ?? undefined, `${v.interface} l3_device`);
        t.is(s!.device, v.device ?? undefined, `${v.interface} device`);
        t.deepEqual(s!.ipv4, v['ipv4-address'] ?? undefined, `${v.interface} ipv4`);
      }
    } finally {
      await lab.cleanup();
      rmSync(runDir, { recursive: true, force: true });
    }
  });
}
