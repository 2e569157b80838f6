// Test helper: a simulated home in namespaces for the Linux applier. The gateway namespace has the
// gateway's own network, set up here as the gateway's admin would (never by the applier): br-lan
// with port lan0 and 192.168.1.1/24, eth1 with 203.0.113.2/24, forwarding on. A LAN host
// (192.168.1.100) hangs off br-lan, a WAN host (203.0.113.1, the "Internet", with no route to
// the LAN or the chutes) off eth1. Chutes are namespaces whose veths the test attaches to the
// br-pd* bridges after apply, as LXC does when a container starts.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { UciConfigSet } from '../../../src/platform/network-applier.js';
import { parseUci } from '../../../src/uci/parse.js';
import type { Lab } from './lab.js';

export interface Home {
  gw: string;
  lan: string;
  wan: string;
}

export async function buildHome(lab: Lab): Promise<Home> {
  const gw = await lab.ns('gw');
  const lan = await lab.ns('lan');
  const wan = await lab.ns('wan');
  await lab.ip(gw, 'link', 'add', 'br-lan', 'type', 'bridge');
  await lab.ip(gw, 'link', 'set', 'br-lan', 'up');
  await lab.veth(gw, 'lan0', lan, 'eth0');
  await lab.ip(gw, 'link', 'set', 'lan0', 'master', 'br-lan');
  await lab.ip(gw, 'addr', 'add', '192.168.1.1/24', 'brd', '+', 'dev', 'br-lan');
  await lab.veth(gw, 'eth1', wan, 'eth0');
  await lab.ip(gw, 'addr', 'add', '203.0.113.2/24', 'brd', '+', 'dev', 'eth1');
  await lab.ip(gw, 'route', 'add', 'default', 'via', '203.0.113.1');
  await lab.exec(gw, 'sysctl', ['-q', '-w', 'net.ipv4.ip_forward=1']);
  await lab.ip(lan, 'addr', 'add', '192.168.1.100/24', 'dev', 'eth0');
  await lab.ip(lan, 'route', 'add', 'default', 'via', '192.168.1.1');
  await lab.ip(wan, 'addr', 'add', '203.0.113.1/24', 'dev', 'eth0');
  return { gw, lan, wan };
}

export interface ChuteNet {
  /** Gateway-side veth (`vpdxf50`) and bridge (`br-pdxf50`). */
  hostVeth: string;
  bridge: string;
  /** Inside the chute. */
  intf: string;
  cidr: string;
  gateway?: string;
}

/** A chute namespace with its veths into the gateway's bridges (what LXC's lxc.net.* does). */
export async function attachChute(lab: Lab, home: Home, role: string, nets: ChuteNet[]): Promise<string> {
  const ns = await lab.ns(role);
  for (const n of nets) {
    await lab.veth(home.gw, n.hostVeth, ns, n.intf);
    await lab.ip(home.gw, 'link', 'set', n.hostVeth, 'master', n.bridge);
    await lab.ip(ns, 'addr', 'add', n.cidr, 'dev', n.intf);
    if (n.gateway) await lab.ip(ns, 'route', 'add', 'default', 'via', n.gateway);
  }
  return ns;
}

/** SecCam of test/golden/*-v2 (slot xf5): wan-type 10.100.12.1 via .2, wifi-type 10.100.13.1. */
export const SECCAM: ChuteNet[] = [
  { hostVeth: 'vpdxf50', bridge: 'br-pdxf50', intf: 'eth0', cidr: '10.100.12.1/24', gateway: '10.100.12.2' },
  { hostVeth: 'vpdxf51', bridge: 'br-pdxf51', intf: 'eth1', cidr: '10.100.13.1/24' },
];
/** EnvSense of test/golden/both-chutes-v2 (slot 2m2): wan-type 10.100.20.1 via .2, wifi-type 10.100.21.1. */
export const ENVSENSE: ChuteNet[] = [
  { hostVeth: 'vpd2m20', bridge: 'br-pd2m20', intf: 'eth0', cidr: '10.100.20.1/24', gateway: '10.100.20.2' },
  { hostVeth: 'vpd2m21', bridge: 'br-pd2m21', intf: 'eth1', cidr: '10.100.21.1/24' },
];

const GOLDEN = fileURLToPath(new URL('../../../../test/golden/', import.meta.url));

/** The compiler's output for a golden case, as the applier receives it. */
export function goldenConfig(name: string): UciConfigSet {
  const read = (pkg: string) => parseUci(readFileSync(`${GOLDEN}${name}/${pkg}.uci`, 'utf8'), pkg);
  return { network: read('network'), firewall: read('firewall'), dhcp: read('dhcp'), wireless: read('wireless') };
}

/** `config` without the sections of a chute slot (what removing that chute leaves). */
export function withoutSlot(config: UciConfigSet, slot: string): UciConfigSet {
  const drop = (pkg: UciConfigSet['network']) => ({ ...pkg, sections: pkg.sections.filter((s) => !s.name.startsWith(`pd_${slot}`)) });
  return { network: drop(config.network), firewall: drop(config.firewall), dhcp: drop(config.dhcp), wireless: drop(config.wireless) };
}
