// paradrop's own settings from UCI (/etc/config/paradrop, section `main` of type `paradrop`): the
// values the init script also passes (state_dir, store, grace_period) and the gateway profile's
// options (subnet pool, reserved subnets, defaults, memory policy, radios, chute DNS). Flags and
// PARADROP_* variables still win; a missing file changes nothing (plain Linux).
// PARADROP_UCI_CONFIG names another file (tests). The profile goes through parseProfile, so a bad
// option is a PROFILE_INVALID naming it.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseSize } from '../chute/units.js';
import { ParadropError, quote } from '../errors.js';
import { parseProfile } from '../plan/profile.js';
import type { GatewayProfile, Radio } from '../plan/types.js';
import { parseUci } from '../uci/index.js';

export const PARADROP_UCI = '/etc/config/paradrop';

export type UciOptions = Record<string, string | string[]>;

/** The options of the first `paradrop` section, or null when there is no file. */
export async function readParadropUci(env: Record<string, string | undefined>): Promise<UciOptions | null> {
  const path = env.PARADROP_UCI_CONFIG ?? PARADROP_UCI;
  const text = await readFile(path, 'utf8').catch(() => null);
  if (text === null) return null;
  const sec = parseUci(text, 'paradrop').sections.find((s) => s.type === 'paradrop');
  return Object.fromEntries((sec?.options ?? []).map((o) => [o.name, o.value]));
}

const one = (o: UciOptions, k: string): string | undefined => (typeof o[k] === 'string' ? o[k] as string : undefined);
const many = (o: UciOptions, k: string): string[] => (Array.isArray(o[k]) ? o[k] as string[] : typeof o[k] === 'string' ? [o[k] as string] : []);

function size(o: UciOptions, k: string): number | undefined {
  const v = one(o, k);
  if (v === undefined) return undefined;
  const r = parseSize(v);
  if (!r.ok) throw new ParadropError('PROFILE_INVALID', `paradrop.main.${k} ${quote(v)} is not a size such as "64M"`, { path: `paradrop.main.${k}`, value: v, expected: 'a size' });
  return r.bytes;
}

function num(o: UciOptions, k: string): number | undefined {
  const v = one(o, k);
  return v === undefined ? undefined : Number(v);
}

/** Radios for chute SSIDs: 'auto' every wifi-device of the wireless file, 'none', or 'listed'. */
function radiosOf(o: UciOptions, wirelessText: string): Radio[] {
  const policy = one(o, 'radio_policy') ?? 'auto';
  if (policy === 'none') return [];
  const maxAps = num(o, 'radio_max_aps') ?? 4;
  const listed = many(o, 'radio');
  const out: Radio[] = [];
  for (const s of parseUci(wirelessText, 'wireless').sections) {
    if (s.type !== 'wifi-device') continue;
    if (policy === 'listed' && !listed.includes(s.name)) continue;
    const band = s.options.find((x) => x.name === 'band')?.value;
    const hw = s.options.find((x) => x.name === 'hwmode')?.value;
    const b = band === '5g' || band === '6g' || band === '2g' ? band : hw === '11a' ? '5g' : '2g';
    out.push({ name: s.name, band: b, maxAps });
  }
  return out;
}

/** `base` with the profile options of /etc/config/paradrop applied, checked like a profile file. */
export async function profileFromUci(base: GatewayProfile, o: UciOptions, configDir: string): Promise<GatewayProfile> {
  const p: GatewayProfile = structuredClone(base);
  p.name = 'openwrt-uci';
  p.subnetPool = one(o, 'subnet_pool') ?? p.subnetPool;
  if (o.reserved_subnet !== undefined) p.reservedSubnets = many(o, 'reserved_subnet');
  p.defaults.cpuShares = num(o, 'cpu_default') ?? p.defaults.cpuShares;
  p.defaults.memoryBytes = size(o, 'memory_default') ?? p.defaults.memoryBytes;
  const disk = size(o, 'disk_default');
  if (disk !== undefined) p.defaults.diskKiB = Math.floor(disk / 1024);
  p.memoryPolicy.reserveBytes = size(o, 'memory_reserve') ?? p.memoryPolicy.reserveBytes;
  p.memoryPolicy.overcommit = num(o, 'memory_overcommit') ?? p.memoryPolicy.overcommit;
  if (one(o, 'chute_dns') !== undefined) p.chuteDns = one(o, 'chute_dns') === '1';
  p.radios = radiosOf(o, await readFile(join(configDir, 'wireless'), 'utf8').catch(() => ''));
  return parseProfile(JSON.parse(JSON.stringify(p)));
}
