// The seam between the engine and whatever makes the gateway's network match the UCI that the
// compiler produced: OpenWrt's own daemons (src/platform/openwrt) or our applier for a plain Linux
// gateway (src/platform/linux). The engine decides when to apply; the applier decides how.
import type { UciPackage } from '../uci/model.js';
import type { GatewayProfile, ShapingPlan } from '../plan/types.js';

/** The four UCI packages as they stand after paradrop wrote its sections into them. */
export interface UciConfigSet {
  network: UciPackage;
  wireless: UciPackage;
  dhcp: UciPackage;
  firewall: UciPackage;
}

export interface NetworkApplier {
  /**
   * Brings bridges, addresses, the firewall and the gateway-served DHCP to what `config` says.
   * Idempotent; converges from any starting state (also after a crash half-way); touches only
   * what paradrop owns (its `pd_` sections, its own nftables table, its `br-pd*` bridges).
   */
  apply(config: UciConfigSet, profile: GatewayProfile): Promise<void>;
  /**
   * Traffic shaping for one chute's interfaces, all on the gateway side so that a chute holding
   * net_admin (one that serves DHCP) cannot undo it: `down` on the egress of the gateway end of
   * the veth, `up` on the veth's ingress redirected to an ifb device. `chuteInitPid` identifies
   * the running chute (its veth exists only while it runs).
   */
  applyShaping(plans: readonly ShapingPlan[], chuteInitPid: number): Promise<void>;
  /**
   * Optional: removes everything the applier made (its table, bridges, DHCP servers). The engine
   * calls it instead of apply() once no paradrop section is left, so a gateway without network
   * chutes keeps no trace of paradrop in its network.
   */
  removeAll?(): Promise<unknown>;
}
