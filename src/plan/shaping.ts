// Per-interface bandwidth (Chute.resource.net, kbps) as a shaping plan. Down (towards the chute)
// is shaped as egress of the gateway's end of the veth; up (from the chute) as egress of the
// chute's own end, inside its network namespace, which the chute cannot undo because net_admin
// is dropped in every chute (profile.ts). Plans follow struct.net order.
import type { Chute } from '../chute/types.js';
import type { InterfaceContext } from './context.js';
import { type ProblemList, q } from './problems.js';
import type { ShapingPlan } from './types.js';

const isRate = (n: number | undefined): boolean => n === undefined || (Number.isInteger(n) && n >= 1 && n <= 100_000_000);

export function shapingPlans(chute: Chute, ifaces: ReadonlyMap<string, InterfaceContext>, problems: ProblemList): ShapingPlan[] {
  const known = new Set(chute.struct.net.map((n) => n.name));
  for (const name of Object.keys(chute.resource.net).sort()) {
    if (!known.has(name)) {
      problems.add('FIELD_INVALID', `${chute.name}:resource.${name}`,
        `chute ${q(chute.name)}: resource.${name} sets bandwidth for an interface that is not in struct.net`,
        name, `one of ${[...known].join(', ')}`);
    }
  }
  const out: ShapingPlan[] = [];
  for (const net of chute.struct.net) {
    const bw = chute.resource.net[net.name];
    const c = ifaces.get(net.name);
    if (!bw || !c) continue;
    if (!isRate(bw.downKbps) || !isRate(bw.upKbps)) {
      problems.add('FIELD_INVALID', `${chute.name}:resource.${net.name}`,
        `chute ${q(chute.name)}: resource.${net.name} rates ${bw.downKbps ?? '-'}/${bw.upKbps ?? '-'} must be whole kbps from 1 to 100000000`,
        bw, 'kbps 1..100000000');
      continue;
    }
    const plan: ShapingPlan = { iface: net.name };
    if (bw.downKbps !== undefined) plan.down = { dev: c.names.hostVeth, kbps: bw.downKbps };
    if (bw.upKbps !== undefined) plan.up = { dev: net.intfName, kbps: bw.upKbps };
    if (plan.down || plan.up) out.push(plan);
  }
  return out;
}
