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
//   --dhcp-broadcast --no-ping              replies by broadcast (no ARP table entry written) and
//                                           no ping before an offer (no wait on a fresh SSID);
//                                           they do NOT spare dnsmasq 2.90 CAP_NET_ADMIN, which
//                                           its DHCP refuses to run without, so a chute with this
//                                           entry keeps net_admin (lxc-config.ts)
//   --dhcp-authoritative                    the only DHCP server on that subnet
//   pid and lease files under /tmp, numbered by the entry, so two entries never share one.
// dnsmasq drops root to user `nobody` after binding, so the chute's /etc needs passwd and group.
// Which interfaces an entry may serve (wifi type only) is src/chute's rule (runtime.ts).
import type { Chute } from '../chute/types.js';
import { dhcpRange } from './addressing.js';
import type { InterfaceContext } from './context.js';
import { formatIpv4, maskOfPrefix } from '../chute/ipv4.js';
import { LEASE_TIME } from './dhcp.js';
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

/**
 * A program's id: its name lower-cased, every run of other characters than `a-z0-9._-` made one
 * `-` (the chapter names its DHCP server "DHCP Server"); `program` when nothing is left. Ids that
 * collide get `-2`, `-3`... in runtime order, so the result is unique and deterministic.
 */
export function programIds(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((n) => {
    const base = n.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '') || 'program';
    let id = base;
    for (let k = 2; used.has(id); k++) id = `${base}-${k}`;
    used.add(id);
    return id;
  });
}

function named(name: string, id: string): Pick<ProgramPlan, 'name' | 'title'> {
  return id === name ? { name: id } : { name: id, title: name };
}

export function runtimePlans(chute: Chute, ifaces: ReadonlyMap<string, InterfaceContext>): ProgramPlan[] {
  const out: ProgramPlan[] = [];
  const ids = programIds(chute.runtime.map((e) => e.name));
  let instance = 0;
  for (const [i, entry] of chute.runtime.entries()) {
    const id = ids[i]!;
    if (entry.kind === 'program') {
      out.push({ ...named(entry.name, id), argv: [entry.program, ...entry.args], origin: 'program' });
      continue;
    }
    const wanted = entry.interfaces ?? chute.struct.net.filter((n) => n.type === 'wifi').map((n) => n.name);
    const served = wanted.flatMap((name) => ifaces.get(name) ?? []);
    // An interface without addressing has its problem reported already.
    if (served.length === 0 || served.length !== wanted.length) continue;
    out.push({ ...named(entry.name, id), argv: dnsmasqArgv(served, instance++), origin: 'dhcpserver' });
  }
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
