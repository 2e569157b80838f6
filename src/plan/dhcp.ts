// UCI `dhcp` section of a chute interface. The gateway serves DHCP on no chute subnet: on wifi
// type the chute serves its own devices (@net.runtime.dhcpserver), on wan type the chute has a
// static address. So every section says `ignore '1'` (dnsmasq skips it) and `dhcpv4 'disabled'`
// (odhcpd skips it where it is the DHCPv4 server). It is still complete (interface, start, limit,
// leasetime) so that it is valid on its own and documents the range the chute's DHCP server hands
// out: the longest run of hosts holding neither the chute's nor the gateway's address.
import type { UciSectionSpec } from '../uci/model.js';
import { dhcpRange } from './addressing.js';
import type { InterfaceContext } from './context.js';
import { opt, section } from './uci-text.js';

export const LEASE_TIME = '12h';

export function dhcpSections(c: InterfaceContext): UciSectionSpec[] {
  const range = dhcpRange(c.addressing);
  return [section('dhcp', c.names.sections.dhcp, [
    opt('interface', c.names.uciInterface),
    opt('start', range.start),
    opt('limit', range.limit),
    opt('leasetime', LEASE_TIME),
    opt('dhcpv4', 'disabled'),
    opt('ignore', '1'),
  ])];
}
