// Per-interface bandwidth (Chute.resource.net, kbps) as a shaping plan, applied entirely on the
// gateway side of the chute's veth, out of the chute's reach (a chute with a DHCP server holds
// net_admin in its own network namespace: lxc-config.ts). Down (towards the chute) is shaped as
// egress of the host veth. Up (from the chute) arrives as ingress of the host veth, where a qdisc
// cannot queue: it is redirected to the interface's ifb device (names.ts, `ipd<slot><index>`) and
// shaped as that device's egress. Plans follow struct.net order. Rates are checked by src/chute.
import type { Chute } from '../chute/types.js';
import type { InterfaceContext } from './context.js';
import type { ShapingPlan } from './types.js';

export function shapingPlans(chute: Chute, ifaces: ReadonlyMap<string, InterfaceContext>): ShapingPlan[] {
  const out: ShapingPlan[] = [];
  for (const net of chute.struct.net) {
    const bw = Object.hasOwn(chute.resource.net, net.name) ? chute.resource.net[net.name] : undefined;
    const c = ifaces.get(net.name);
    if (!bw || !c) continue;
    const plan: ShapingPlan = { iface: net.name };
    if (bw.downKbps !== undefined) plan.down = { dev: c.names.hostVeth, kbps: bw.downKbps };
    if (bw.upKbps !== undefined) plan.up = { dev: c.names.hostVeth, kbps: bw.upKbps, ifb: c.names.ifb };
    if (plan.down || plan.up) out.push(plan);
  }
  return out;
}
