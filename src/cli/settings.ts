// Resolves where paradrop keeps its files and what it compiles against, once per command, from
// flags, then the environment, then defaults; and builds the EngineContext the engine runs with.
//   --state-dir DIR   PARADROP_STATE_DIR   default /var/lib/paradrop
//   --store DIR|URL   PARADROP_STORE       default /usr/share/paradrop/examples, or the source
//                                          checkout's files/usr/share/paradrop/examples
//   --profile FILE    PARADROP_PROFILE     default: the built-in profile with cgroup version and
//                                          RAM probed from this system
//   --grace SECONDS   PARADROP_GRACE       set-resources' grace period, default 10
//                     PARADROP_CACHE_MAX   cache size above which files no chute uses are pruned,
//                                          default 64M
//                     PARADROP_CHUTE_INIT  chute-init on the host, default /usr/lib/paradrop/chute-init,
//                                          or the source checkout's copy
// Derived from the state dir: state.json, journal/, lock, config/ (UCI on plain Linux; on OpenWrt
// it will be /etc/config), lxc/ (LXC path), cache/, backup/, and chutes/ (the profile's
// paths.chutes, unless a profile file names another directory).
// /etc/config/paradrop (uci-settings.ts), when it exists, gives state_dir, store and grace_period
// after flags and variables, and the profile's options unless --profile names a file. On OpenWrt
// (src/platform/openwrt) the UCI directory is /etc/config, written through the `uci` tool.
import { access, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ParadropError, quote } from '../errors.js';
import type { EngineContext, EngineSettings, Reporter } from '../engine/types.js';
import { defaultProfile } from '../plan/profile.js';
import { loadProfile } from '../plan/load-profile.js';
import type { GatewayProfile } from '../plan/types.js';
import { DEFAULT_STORE, storeFromSetting } from '../platform/fetch/index.js';
import { createPlatform, type NetworkApplier, type Platform } from '../platform/index.js';
import { detectCgroup, HOST_CHUTE_INIT } from '../platform/lxc/index.js';
import type { CliIo } from './io.js';
import '../target.js';
import { profileFromUci, readParadropUci } from './uci-settings.js';
import { createOpenWrtApplier, createUciWriter, DEFAULT_TOOLS, isOpenWrt, OPENWRT_CONFIG_DIR } from '../platform/openwrt/index.js';

export const DEFAULT_STATE_DIR = '/var/lib/paradrop';
const DEFAULT_GRACE_S = 10;
const DEFAULT_PROFILE_CHUTES = defaultProfile().paths.chutes;

export interface GlobalOptions {
  stateDir?: string;
  store?: string;
  profile?: string;
  grace?: string;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

/** `rel` under the nearest ancestor of this module that has it (a source checkout: dist/, build/src/cli/). */
async function inCheckout(rel: string): Promise<string | undefined> {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, rel);
    if (await exists(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

/** An installed file, else the checkout's copy, else the installed path (its absence is reported where it matters). */
async function installedOrCheckout(installed: string): Promise<string> {
  if (await exists(installed)) return installed;
  return (await inCheckout(join('files', installed))) ?? installed;
}

async function memTotalBytes(): Promise<number | undefined> {
  const text = await readFile('/proc/meminfo', 'utf8').catch(() => '');
  const m = /^MemTotal:\s+(\d+)\s+kB/m.exec(text);
  return m ? Number(m[1]) * 1024 : undefined;
}

/**
 * The built-in profile with this system's facts: where limits go (hybrid: v1), its RAM, and no
 * radio (plain Linux drives no Wi-Fi: a wifi chute's SSID is not broadcast, and status says so).
 */
export async function probedProfile(): Promise<GatewayProfile> {
  const p = defaultProfile();
  p.name = 'this-gateway';
  p.radios = [];
  const layout = await detectCgroup();
  p.cgroup = layout.limitsVersion;
  const ram = await memTotalBytes();
  if (ram !== undefined && ram > p.memoryPolicy.reserveBytes) p.ramBytes = ram;
  return p;
}

/** PARADROP_CACHE_MAX: bytes, or with a K, M or G suffix (powers of 1024). */
function cacheMax(text: string): number {
  const m = /^\s*(\d+)\s*([KMG]?)i?B?\s*$/i.exec(text);
  if (m === null) {
    throw new ParadropError('USAGE', `PARADROP_CACHE_MAX ${quote(text)} is not a size`,
      { path: 'PARADROP_CACHE_MAX', value: text, expected: 'bytes, or a number with K, M or G, e.g. 64M' });
  }
  return Number(m[1]) * 1024 ** ' KMG'.indexOf((m[2] ?? '').toUpperCase() || ' ');
}

function seconds(text: string, what: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < 0 || n > 3600) {
    throw new ParadropError('USAGE', `${what} ${quote(text)} is not a number of seconds from 0 to 3600`,
      { path: what, value: text, expected: 'seconds, e.g. 10 or 0.5' });
  }
  return Math.round(n * 1000);
}

export async function resolveSettings(g: GlobalOptions, io: CliIo): Promise<EngineSettings> {
  const env = io.env;
  const uci = await readParadropUci(env);
  const fromUci = (k: string): string | undefined => (typeof uci?.[k] === 'string' ? uci[k] as string : undefined);
  const openwrt = await isOpenWrt(env);
  const configDirOf = (stateDir: string): string => env.PARADROP_CONFIG_DIR ?? (openwrt ? OPENWRT_CONFIG_DIR : join(stateDir, 'config'));
  const stateDir = resolve(io.cwd, g.stateDir ?? env.PARADROP_STATE_DIR ?? fromUci('state_dir') ?? DEFAULT_STATE_DIR);
  const profileFile = g.profile ?? env.PARADROP_PROFILE;
  const profile = profileFile !== undefined ? await loadProfile(resolve(io.cwd, profileFile), profileFile)
    : uci !== null ? await profileFromUci(await probedProfile(), uci, configDirOf(stateDir)) : await probedProfile();
  if (profile.paths.chutes === DEFAULT_PROFILE_CHUTES && stateDir !== DEFAULT_STATE_DIR) profile.paths.chutes = join(stateDir, 'chutes');
  const storeSetting = g.store ?? env.PARADROP_STORE ?? fromUci('store');
  const store = storeSetting !== undefined
    ? storeFromSetting(storeSetting, io.cwd)
    : { kind: 'dir' as const, path: await installedOrCheckout(DEFAULT_STORE.kind === 'dir' ? DEFAULT_STORE.path : '/usr/share/paradrop/examples') };
  const grace = g.grace ?? env.PARADROP_GRACE ?? fromUci('grace_period');
  return {
    stateDir,
    stateFile: join(stateDir, 'state.json'),
    journalDir: join(stateDir, 'journal'),
    lockFile: join(stateDir, 'lock'),
    configDir: configDirOf(stateDir),
    lxcPath: join(stateDir, 'lxc'),
    cacheDir: join(stateDir, 'cache'),
    backupDir: join(stateDir, 'backup'),
    ...(env.PARADROP_CACHE_MAX === undefined ? {} : { cacheMaxBytes: cacheMax(env.PARADROP_CACHE_MAX) }),
    store,
    profile,
    graceMs: grace === undefined ? DEFAULT_GRACE_S * 1000 : seconds(grace, '--grace'),
    chuteInit: env.PARADROP_CHUTE_INIT ?? await installedOrCheckout(HOST_CHUTE_INIT),
    lockTimeoutMs: 5 * 60_000,
    fetchTimeoutMs: 30_000,
    maxFileBytes: 256 * 1024 * 1024,
  };
}

/** The EngineContext for this system; `network` defaults to the gateway's own applier. */
export async function engineContext(g: GlobalOptions, io: CliIo, reporter: Reporter, network?: NetworkApplier): Promise<EngineContext> {
  const settings = await resolveSettings(g, io);
  return { settings, platform: await systemPlatform(settings, io.env, network), reporter, now: () => new Date(), env: io.env };
}

/**
 * The Platform for this system. OpenWrt: UCI writes through the `uci` tool with paradrop's own
 * save directory, and OpenWrt's daemons reloaded as needed (PARADROP_TOOLS_PATH and
 * PARADROP_INIT_DIR point elsewhere for tests); plain Linux: our own applier.
 */
export async function systemPlatform(settings: EngineSettings, env: Record<string, string | undefined>, network?: NetworkApplier): Promise<Platform> {
  const base = {
    lxcPath: settings.lxcPath, cacheDir: settings.cacheDir, store: settings.store, configDir: settings.configDir,
    fetchTimeoutMs: settings.fetchTimeoutMs, maxFileBytes: settings.maxFileBytes,
  };
  if (!(await isOpenWrt(env))) {
    if (PARADROP_TARGET === 'openwrt' && !network) {
      throw new ParadropError('COMMAND_FAILED', 'this is the OpenWrt build of paradrop, and this system is not OpenWrt (no /etc/openwrt_release): use the generic build (dist/paradrop.js)',
        { expected: 'OpenWrt' });
    }
    // Loaded only here, so the OpenWrt build leaves the plain-Linux applier out (src/target.ts).
    const linux = PARADROP_TARGET === 'openwrt' ? undefined : await import('../platform/system-network.js');
    return createPlatform({ ...base, network: network ?? await linux!.systemNetworkApplier(settings.stateDir, env) });
  }
  const tools = { ...DEFAULT_TOOLS, path: env.PARADROP_TOOLS_PATH ?? DEFAULT_TOOLS.path, initDir: env.PARADROP_INIT_DIR ?? DEFAULT_TOOLS.initDir };
  const runDir = join(settings.stateDir, 'network');
  const platform = createPlatform({ ...base, network: network ?? createOpenWrtApplier({ configDir: settings.configDir, runDir, tools }) });
  return { ...platform, writeUci: createUciWriter({ configDir: settings.configDir, saveDir: join(settings.stateDir, 'uci-save'), tools }) };
}
