// What every daemon method works with: the settings and platform resolved once at start, a
// fresh EngineContext per operation (its own reporter), the change queue and the version.
// Also the small shared checks: is a chute installed (answered like the engine answers it).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadChute, type LoadedChute } from '../chute/load.js';
import { ParadropError, quote } from '../errors.js';
import type { EngineContext, EngineSettings, Reporter } from '../engine/index.js';
import { silentReporter } from '../engine/index.js';
import { loadState } from '../engine/state-store.js';
import type { Platform } from '../platform/index.js';
import type { ChangeQueue } from './changes.js';

export interface DaemonDeps {
  settings: EngineSettings;
  platform: Platform;
  version: string;
  env: Record<string, string | undefined>;
  /** Cgroup mode of this system, as `info` reports it. */
  cgroup: 'v1' | 'v2';
}

export interface DaemonContext extends DaemonDeps {
  queue: ChangeQueue;
  /** Set once SIGTERM arrived: long methods are refused. */
  stopping: boolean;
}

export function engineContextOf(d: DaemonDeps, reporter: Reporter = silentReporter): EngineContext {
  return { settings: d.settings, platform: d.platform, reporter, now: () => new Date(), env: d.env };
}

/** Throws CHUTE_NOT_FOUND in the engine's words (operations.ts recordOf) unless `name` is installed. */
export async function requireInstalled(d: DaemonDeps, name: string): Promise<void> {
  const { state } = await loadState(d.settings);
  if (state.chutes[name] !== undefined) return;
  const names = Object.keys(state.chutes).sort();
  throw new ParadropError('CHUTE_NOT_FOUND',
    `chute ${quote(name)} is not installed (${names.length === 0 ? 'no chute is installed' : `installed: ${names.join(', ')}`}); see \`paradrop list\``,
    { value: name, expected: names.length === 0 ? 'an installed chute' : names.join(', ') });
}

/** The recorded source of an installed chute (update without a new source). */
export async function recordedSource(d: DaemonDeps, name: string): Promise<string | undefined> {
  const { state } = await loadState(d.settings);
  return state.chutes[name]?.source;
}

/** A chute from a path on the gateway or from the text of a chute.json. */
export async function loadPathOrSpec(args: { path?: string; spec?: string }): Promise<LoadedChute & { where: string }> {
  if (args.path !== undefined) return { ...(await loadChute(args.path, { label: args.path })), where: args.path };
  const dir = await mkdtemp(join(tmpdir(), 'paradrop-spec-'));
  try {
    const file = join(dir, 'chute.json');
    await writeFile(file, args.spec ?? '', { mode: 0o600 });
    return { ...(await loadChute(file, { label: 'spec' })), where: 'spec' };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
