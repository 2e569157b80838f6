// The compiler's working view of one chute interface once its slot, addresses and radio are
// known: everything the section builders need, so that each of them is a plain function of it.
import type { NetInterface } from '../chute/types.js';
import type { Addressing } from './addressing.js';
import type { InterfaceNames } from './names.js';

export interface InterfaceContext {
  chute: string;
  /** Position in struct.net. */
  index: number;
  net: NetInterface;
  names: InterfaceNames;
  addressing: Addressing;
  /** wifi only: radio name, or null when the gateway has none. */
  radio?: string | null;
  /**
   * The chute's default route goes through the gateway here: on its first wan-type interface, or,
   * when it has none, on its first interface (so that replies to redirected LAN clients are
   * routable; a wifi-type zone forwards nothing, so this gives no Internet).
   */
  defaultRoute: boolean;
}
