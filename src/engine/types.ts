// What every engine operation is given: where paradrop keeps its files (EngineSettings, resolved
// once by the CLI or the daemon from flags, environment and defaults), the platform that touches
// the system, and where to report progress. The engine holds no other global state.
import type { GatewayProfile } from '../plan/types.js';
import type { Store } from '../platform/fetch/index.js';
import type { Platform } from '../platform/index.js';
import type { Progress } from '../platform/fetch/index.js';

export interface EngineSettings {
  /** Root of paradrop's files (default /var/lib/paradrop). */
  stateDir: string;
  /** <stateDir>/state.json: installed chutes and what they should be doing. */
  stateFile: string;
  /** <stateDir>/journal: the open transaction, if any. */
  journalDir: string;
  /** <stateDir>/lock: one operation at a time. */
  lockFile: string;
  /** UCI config directory paradrop writes its sections into (<stateDir>/config on plain Linux). */
  configDir: string;
  /** LXC path of paradrop's containers (<stateDir>/lxc). */
  lxcPath: string;
  /** Hash-keyed cache of chute files (<stateDir>/cache). */
  cacheDir: string;
  /** Size above which unreferenced cache entries are pruned (PARADROP_CACHE_MAX; default 64 MiB). */
  cacheMaxBytes?: number;
  /** Per-operation backups of files an update replaces (<stateDir>/backup). */
  backupDir: string;
  /** Where `@paradrop.server(PATH)` files come from. */
  store: Store;
  /** Gateway profile to compile against (paths.chutes is where chute directories live). */
  profile: GatewayProfile;
  /** set-resources: how long a chute has to act on a request before it is forced. */
  graceMs: number;
  /** Host path of chute-init (bind-mounted into every chute). */
  chuteInit: string;
  /** Longest wait for another operation to finish. */
  lockTimeoutMs: number;
  /** Fetch limits. */
  fetchTimeoutMs: number;
  maxFileBytes: number;
}

/** Progress lines for people (the CLI prints them to stderr; the daemon may send them as events). */
export interface Reporter {
  /** A step started, finished or was undone; a note worth telling. */
  info(line: string): void;
  /** Download progress of one chute file. */
  progress?(p: Progress): void;
}

export interface EngineContext {
  settings: EngineSettings;
  platform: Platform;
  reporter: Reporter;
  /** Injected for tests; the engine never reads the clock otherwise. */
  now(): Date;
  /** Process environment (PARADROP_CRASH_AT, for tests only). */
  env: Record<string, string | undefined>;
}

export const silentReporter: Reporter = { info: () => undefined };
