// Test helper: the fw4 and netifd conformance vectors from ../shared/vectors (read at run time;
// missing vectors are a failure, never a skip), and their UCI text as a UciConfigSet.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { UciConfigSet } from '../../../src/platform/network-applier.js';
import { parseUci } from '../../../src/uci/parse.js';

export interface DumpInterface {
  interface: string;
  up: boolean;
  available?: boolean;
  device?: string;
  l3_device?: string;
  'ipv4-address'?: { address: string; mask: number }[];
  errors?: { subsystem: string; code: string }[];
}

export interface Fw4Case {
  name: string;
  note: string;
  mode: 'stub' | 'netifd';
  network: string;
  firewall: string;
  interfaces: DumpInterface[];
  fw4_warnings: string[];
  ruleset: string;
  check_exit: number;
  nft_c_ok: boolean;
}

export interface VectorLink {
  ifname: string;
  kind?: string;
  master?: string;
  port_state?: string;
  flags: string[];
  operstate: string;
  mtu: number;
  members?: string[];
  bridge?: { stp_state: number; forward_delay: number; vlan_filtering: number; mcast_snooping: number };
  addr_info: { family: string; local: string; prefixlen: number; broadcast?: string; scope: string; label?: string }[];
}

export interface NetifdCase {
  name: string;
  note: string;
  network: string;
  ports_present: string[];
  interfaces: DumpInterface[];
  links: VectorLink[];
}

export const VECTORS_DIR = resolve(process.cwd(), '../shared/vectors');

function load<T>(kind: string): T[] {
  const path = resolve(VECTORS_DIR, kind, 'cases.json');
  if (!existsSync(path)) throw new Error(`conformance vectors missing: ${path} (they live in ../shared/vectors beside the repository)`);
  const cases = (JSON.parse(readFileSync(path, 'utf8')) as { cases: T[] }).cases;
  if (!cases.length) throw new Error(`no cases in ${path}`);
  return cases;
}

export const fw4Cases = (): Fw4Case[] => load<Fw4Case>('fw4');
export const netifdCases = (): NetifdCase[] => load<NetifdCase>('netifd');

export function configOf(network: string, firewall = '', dhcp = '', wireless = ''): UciConfigSet {
  return {
    network: parseUci(network, 'network'),
    firewall: parseUci(firewall, 'firewall'),
    dhcp: parseUci(dhcp, 'dhcp'),
    wireless: parseUci(wireless, 'wireless'),
  };
}
