// Parses /proc/self/mountinfo: the kernel's word on what is mounted where. Teardown and cgroup
// detection ask it rather than trusting what we remember doing.
// Invariants: paths come back unescaped (mountinfo writes space as \040).
import { readFile } from 'node:fs/promises';

export interface MountInfo {
  /** Path of the mount's root inside its file system (`/` unless it is a bind of a subtree). */
  root: string;
  mountPoint: string;
  fstype: string;
  source: string;
  /** Per-superblock options: for cgroup v1 they name the controllers (`rw,cpu,cpuacct`). */
  superOptions: string[];
}

function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

export function parseMountinfo(text: string): MountInfo[] {
  const out: MountInfo[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    // id parent major:minor root mountpoint opts [optional fields...] - fstype source superopts
    const dash = line.indexOf(' - ');
    if (dash < 0) continue;
    const pre = line.slice(0, dash).split(' ');
    const post = line.slice(dash + 3).split(' ');
    out.push({
      root: unescapeOctal(pre[3] ?? ''),
      mountPoint: unescapeOctal(pre[4] ?? ''),
      fstype: post[0] ?? '',
      source: unescapeOctal(post[1] ?? ''),
      superOptions: (post[2] ?? '').split(','),
    });
  }
  return out;
}

export async function readMountinfo(): Promise<MountInfo[]> {
  return parseMountinfo(await readFile('/proc/self/mountinfo', 'utf8'));
}

/** Mounts at `dir` or anywhere below it. */
export function mountsUnder(mounts: readonly MountInfo[], dir: string): MountInfo[] {
  const base = dir.replace(/\/+$/, '');
  return mounts.filter((m) => m.mountPoint === base || m.mountPoint.startsWith(base + '/'));
}
