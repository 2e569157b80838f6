// The programs a chute runs, as argv lists (no shell). `program` entries pass through; the
// @net.runtime.dhcpserver macro becomes one dnsmasq serving DHCP (no DNS) on the chute's wifi-type
// interfaces, where the chute is the router of its SSID's devices:
//   --keep-in-foreground --log-facility=-   a supervised process that logs to stderr
//   --conf-file=/dev/null --no-resolv --no-hosts --port=0
//                                           nothing read from the chute's /etc; DNS off (the
//                                           devices reach nothing but the chute, and with port 0
//                                           dnsmasq sends no DNS-server option)
//   --bind-interfaces --interface=<intf>    only the chute's Wi-Fi side
//   --dhcp-range=set:<intf>,<first>,<last>,<mask>,12h
//                                           every host but the chute's and the gateway's
//                                           addresses (dhcpRange(), same as the UCI dhcp section)
//   --dhcp-option=tag:<intf>,option:router,<chute address>
//   --dhcp-broadcast --no-ping              so dnsmasq needs neither CAP_NET_ADMIN (unicast replies
//                                           write the ARP table) nor CAP_NET_RAW for pings; it
//                                           refuses to start when a capability it needs is
//                                           missing, and net_admin is dropped in every chute
//   --dhcp-authoritative                    the only DHCP server on that subnet
//   pid and lease files under /tmp, numbered by the entry, so two entries never share one.
// dnsmasq drops root to user `nobody` after binding, so the chute's /etc needs passwd and group.
import type { Chute } from '../chute/types.js';
import { dhcpRange } from './addressing.js';
import type { InterfaceContext } from './context.js';
import { formatIpv4, maskOfPrefix } from './ipv4.js';
import { LEASE_TIME } from './dhcp.js';
import { type ProblemList, q } from './problems.js';
import type { ProgramPlan } from './types.js';

export function dnsmasqArgv(ifaces: readonly InterfaceContext[], instance: number): string[] {
  const argv = [
    'dnsmasq', '--keep-in-foreground', '--log-facility=-', '--conf-file=/dev/null', '--no-resolv', '--no-hosts',
    '--port=0', '--bind-interfaces', '--dhcp-authoritative', '--dhcp-broadcast', '--no-ping',
    `--pid-file=/tmp/dnsmasq-pd${instance}.pid`, `--dhcp-leasefile=/tmp/dnsmasq-pd${instance}.leases`,
  ];
  for (const c of ifaces) {
    const a = c.addressing;
    const range = dhcpRange(a);
    const first = formatIpv4(a.subnet.network + range.start);
    const last = formatIpv4(a.subnet.network + range.start + range.limit - 1);
    const tag = c.net.intfName;
    argv.push(
      `--interface=${c.net.intfName}`,
      `--dhcp-range=set:${tag},${first},${last},${formatIpv4(maskOfPrefix(a.subnet.prefix))},${LEASE_TIME}`,
      `--dhcp-option=tag:${tag},option:router,${formatIpv4(a.chute)}`,
    );
  }
  return argv;
}

export function runtimePlans(chute: Chute, ifaces: ReadonlyMap<string, InterfaceContext>, problems: ProblemList): ProgramPlan[] {
  const out: ProgramPlan[] = [];
  let instance = 0;
  chute.runtime.forEach((entry, i) => {
    const path = `${chute.name}:runtime[${i}]`;
    if (entry.kind === 'program') {
      if (entry.program.length === 0) {
        problems.add('FIELD_MISSING', `${path}.program`, `chute ${q(chute.name)}: runtime[${i}] (${q(entry.name)}) has no program`);
        return;
      }
      out.push({ name: entry.name, argv: [entry.program, ...entry.args], origin: 'program' });
      return;
    }
    const wanted = entry.interfaces ?? chute.struct.net.filter((n) => n.type === 'wifi').map((n) => n.name);
    if (wanted.length === 0) {
      problems.add('FIELD_INVALID', `${path}.program`,
        `chute ${q(chute.name)}: runtime[${i}] (${q(entry.name)}) asks for a DHCP server but the chute has no wifi-type interface`,
        '@net.runtime.dhcpserver', 'a wifi-type interface in struct.net');
      return;
    }
    const served: InterfaceContext[] = [];
    for (const name of wanted) {
      const net = chute.struct.net.find((n) => n.name === name);
      if (!net || net.type !== 'wifi') {
        problems.add('FIELD_INVALID', `${path}.program`,
          `chute ${q(chute.name)}: runtime[${i}] (${q(entry.name)}) serves DHCP on ${q(name)}, which is not a wifi-type interface of the chute`,
          name, 'a wifi-type interface in struct.net');
        continue;
      }
      const c = ifaces.get(name);
      if (c) served.push(c);
    }
    if (served.length !== wanted.length) return;
    out.push({ name: entry.name, argv: dnsmasqArgv(served, instance++), origin: 'dhcpserver' });
  });
  return out;
}

/** Wifi-type interfaces no dhcpserver entry serves: their devices get no address. */
export function unservedWifi(chute: Chute): string[] {
  const served = new Set<string>();
  for (const e of chute.runtime) {
    if (e.kind !== 'dhcpserver') continue;
    for (const n of e.interfaces ?? chute.struct.net.filter((x) => x.type === 'wifi').map((x) => x.name)) served.add(n);
  }
  return chute.struct.net.filter((n) => n.type === 'wifi' && !served.has(n.name)).map((n) => n.name);
}
