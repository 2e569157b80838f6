// The plain Linux network applier's public face: what the engine, the CLI and tests may use.
// Everything else in this folder is an implementation detail.
export { createLinuxApplier } from './applier.js';
export type { ApplyReport, LinuxApplier, LinuxApplierOptions, LinuxNetworkStatus } from './applier.js';
export { fromUci } from './from-uci.js';
export { toNftScript, toNftTable, TABLE_NAME, type FirewallScope, type NftOptions } from './nft-script.js';
export { observeLinuxNetwork, type LinuxNetworkObservation, type ObservedBridge, type ObservedQdisc } from './observe.js';
export { interfaceStatus, type InterfaceStatus } from './iface-status.js';
export { wirelessStatus, type WifiStatus } from './wireless.js';
export { dhcpInstances, leaseRange, type DhcpInstance } from './dhcp.js';
export { htbArgs, QDISC_HANDLE } from './shaping.js';
export type * from './model.js';
