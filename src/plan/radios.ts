// Which radio carries each wifi-type chute interface, and the SSID conflicts on a radio.
// A chute may name its radio (NetInterface.radio); otherwise the first radio with room is taken,
// radios ordered by band (2g, then 5g, then 6g: the band every Wi-Fi device speaks first) and
// then by their order in the profile. Named radios are served first so that an automatic pick
// never takes the place a chute asked for. A gateway without radios is not an error: the SSID is
// simply not broadcast, which the compiler notes.
import type { NetInterface } from '../chute/types.js';
import { type ProblemList, q } from './problems.js';
import type { GatewayProfile, Radio } from './types.js';

const BAND_ORDER: Record<Radio['band'], number> = { '2g': 0, '5g': 1, '6g': 2 };

export interface RadioRequest {
  chute: string;
  iface: NetInterface;
}

export const radioKey = (chute: string, iface: string): string => `${chute}\u0000${iface}`;

/**
 * Radio name (or null: the gateway has no radio) by radioKey. `requests` are the wifi-type
 * interfaces, sorted by chute name then position in struct.net.
 */
export function assignRadios(profile: GatewayProfile, requests: readonly RadioRequest[],
  problems: ProblemList, notes: string[]): Map<string, string | null> {
  const result = new Map<string, string | null>();
  if (profile.radios.length === 0) {
    for (const r of requests) {
      result.set(radioKey(r.chute, r.iface.name), null);
      notes.push(`SSID ${q(r.iface.ssid ?? '')} of chute ${q(r.chute)} is not broadcast: the gateway has no radio`);
    }
    return result;
  }
  const byName = new Map(profile.radios.map((r) => [r.name, r]));
  const users = new Map<string, string[]>(profile.radios.map((r) => [r.name, []]));
  const ordered = profile.radios
    .map((r, i) => ({ r, i }))
    .sort((a, b) => BAND_ORDER[a.r.band] - BAND_ORDER[b.r.band] || a.i - b.i)
    .map((x) => x.r);
  const who = (r: RadioRequest): string => `chute ${q(r.chute)} interface ${q(r.iface.name)}`;

  for (const r of requests) {
    if (r.iface.radio === undefined) continue;
    const path = `${r.chute}:struct.net.${r.iface.name}.radio`;
    const radio = byName.get(r.iface.radio);
    if (!radio) {
      problems.add('RADIO_UNKNOWN', path,
        `${who(r)}: radio ${q(r.iface.radio)} does not exist on this gateway (radios: ${profile.radios.map((x) => x.name).join(', ')})`,
        r.iface.radio, `one of ${profile.radios.map((x) => x.name).join(', ')}`);
      continue;
    }
    const list = users.get(radio.name)!;
    if (list.length >= radio.maxAps) {
      problems.add('FIELD_INVALID', path,
        `${who(r)}: radio ${q(radio.name)} holds at most ${radio.maxAps} chute access points, already taken by ${list.join(', ') || 'nobody'}`,
        r.iface.radio, 'a radio with room for another access point');
      continue;
    }
    list.push(who(r));
    result.set(radioKey(r.chute, r.iface.name), radio.name);
  }
  for (const r of requests) {
    if (r.iface.radio !== undefined) continue;
    const radio = ordered.find((x) => users.get(x.name)!.length < x.maxAps);
    if (!radio) {
      problems.add('FIELD_INVALID', `${r.chute}:struct.net.${r.iface.name}`,
        `${who(r)}: no radio has room for SSID ${q(r.iface.ssid ?? '')} (${profile.radios.map((x) => `${x.name} holds ${x.maxAps}`).join(', ')})`,
        r.iface.ssid, 'a radio with room for another access point');
      continue;
    }
    users.get(radio.name)!.push(who(r));
    result.set(radioKey(r.chute, r.iface.name), radio.name);
  }

  const ssidOwner = new Map<string, RadioRequest>();
  for (const r of requests) {
    const radio = result.get(radioKey(r.chute, r.iface.name));
    if (radio == null || r.iface.ssid === undefined) continue;
    const key = `${radio}\u0000${r.iface.ssid}`;
    const other = ssidOwner.get(key);
    if (other) {
      problems.add('SSID_DUPLICATE', `${r.chute}:struct.net.${r.iface.name}.ssid`,
        `${who(other)} and ${who(r)} both broadcast SSID ${q(r.iface.ssid)} on radio ${q(radio)}`,
        r.iface.ssid, 'an SSID no other chute uses on that radio');
    } else {
      ssidOwner.set(key, r);
    }
  }
  return result;
}
