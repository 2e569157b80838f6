// The steps the engine runs: plain data, a discriminated union on `kind`, each one system change
// (or none: fetch, check, wait) small enough to undo. The planner (diff.ts) produces most of them
// from a diff; the engine adds the ones only an operation knows (save-state, the set-resources
// request). Steps are written to the journal as JSON before they run, so they hold everything
// their executor needs: no reference to memory of the process that planned them.
// Invariants: every field is JSON (no undefined inside arrays, no class instances); a step names
// the chute it is for when it is for one (`chute`), for messages.
import type { ChuteFile } from '../chute/types.js';
import type { UciSectionSpec } from '../uci/model.js';
import type { CgroupLimits, ChutePlan, ShapingPlan, UciPackageName } from './types.js';

/** What a chute should be doing; `frozen` is the first ParaDrop's frozen state (cgroup freezer). */
export type RunState = 'running' | 'stopped' | 'frozen';

export type Step =
  /** Into the hash-keyed cache, before any system change: a bad hash changes nothing. */
  | { kind: 'fetch-files'; chute: string; files: ChuteFile[] }
  /** Disk image, mounts, rootfs mount points, /etc, programs file. `previous`: the plan to restore on undo. */
  | { kind: 'prepare-dirs'; chute: string; plan: ChutePlan; previous: ChutePlan | null }
  /** Copies or unpacks cached files into the chute's data; what they replace is backed up under `backupDir`. */
  | { kind: 'place-files'; chute: string; dir: string; files: ChuteFile[]; backupDir: string }
  /** Every runtime program is an executable file in the chute: no change, fails early. */
  | { kind: 'check-programs'; chute: string; plan: ChutePlan }
  /** Writes the container's LXC config (creates the container). */
  | { kind: 'create-container'; chute: string; container: string; lxcConfig: string }
  | { kind: 'start-container'; chute: string; container: string }
  /** `shaping`: what to apply again if the stop is undone (a restart makes new veths). */
  | { kind: 'stop-container'; chute: string; container: string; shaping: ShapingPlan[] }
  | { kind: 'freeze-container'; chute: string; container: string }
  | { kind: 'unfreeze-container'; chute: string; container: string }
  /** Live cgroup limits of a running or frozen container. */
  | { kind: 'set-limits'; chute: string; container: string; limits: CgroupLimits }
  /** tc on the chute's interfaces; `previous` is applied on undo. */
  | { kind: 'apply-shaping'; chute: string; container: string; shaping: ShapingPlan[]; previous: ShapingPlan[] }
  /** Removes the container's config (after it was stopped). */
  | { kind: 'destroy-container'; chute: string; container: string }
  /** paradrop's sections of one UCI package become exactly `sections`; nothing else in the file changes. */
  | { kind: 'write-uci'; package: UciPackageName; sections: UciSectionSpec[] }
  /** The gateway's network follows the UCI files. */
  | { kind: 'apply-network' }
  /** Irreversible: only after the commit. `keepData` keeps disk.img (the chute's data). */
  | { kind: 'destroy-dirs'; chute: string; dir: string; keepData: boolean }
  /** set-resources' request: /.paradrop/run/resources.json in the chute. */
  | { kind: 'write-resource-request'; chute: string; dir: string; text: string }
  /** Tells the chute's programs to read the request (SIGURG: ignored by default, so never fatal). */
  | { kind: 'signal-chute'; chute: string; container: string; signal: 'SIGURG' }
  /** The grace period the chute gets to act on the request before it is forced. */
  | { kind: 'wait-grace'; chute: string; ms: number }
  /** The commit point: the state file's new text. Steps after it are finished, never undone. */
  | { kind: 'save-state'; text: string }
  /** Removes the backups of files place-files replaced (after the commit). */
  | { kind: 'drop-backup'; dir: string };

export type StepKind = Step['kind'];

/** One line naming a step for messages: `start-container pd-seccam`. */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'write-uci': return `write-uci ${step.package}`;
    case 'apply-network': return 'apply-network';
    case 'save-state': return 'save-state';
    case 'drop-backup': return 'drop-backup';
    case 'create-container':
    case 'start-container':
    case 'stop-container':
    case 'freeze-container':
    case 'unfreeze-container':
    case 'set-limits':
    case 'apply-shaping':
    case 'destroy-container':
    case 'signal-chute':
      return `${step.kind} ${step.container}`;
    default:
      return `${step.kind} ${step.chute}`;
  }
}
