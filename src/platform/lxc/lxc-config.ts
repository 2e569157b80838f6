// Reads back what we need from the compiler's LXC config text (ChutePlan.lxcConfig): the rootfs
// path and the mount entries. Pure. The config stays the single source of truth for what the chute
// sees, so the directories we prepare and the paths we check always match what LXC will mount.
// Invariants: mount targets come back absolute and normalised (`/usr`, `/.paradrop/run`).
import { posix } from 'node:path';

export interface LxcMountEntry {
  /** Host path for binds; a file system name (`proc`, `tmpfs`) otherwise. */
  source: string;
  /** Absolute path inside the chute. */
  target: string;
  fstype: string;
  options: string[];
  isBind: boolean;
  readOnly: boolean;
  /** `create=file`: the mount point is a file, not a directory. */
  isFile: boolean;
}

/** `key = value` pairs in order; comments and blank lines dropped. */
export function parseLxcConfig(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    out.push([line.slice(0, eq).trim(), line.slice(eq + 1).trim()]);
  }
  return out;
}

export function lxcConfigValues(text: string, key: string): string[] {
  return parseLxcConfig(text).filter(([k]) => k === key).map(([, v]) => v);
}

/** `lxc.rootfs.path`, without a `dir:` backend prefix; undefined when the config has none. */
export function rootfsPathOf(text: string): string | undefined {
  const v = lxcConfigValues(text, 'lxc.rootfs.path').at(-1);
  if (v === undefined || v === '') return undefined;
  return v.startsWith('dir:') ? v.slice(4) : v;
}

/** LXC escapes spaces in fstab fields as \040, like /etc/fstab. */
function unescapeFstab(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

export function mountEntriesOf(text: string): LxcMountEntry[] {
  return lxcConfigValues(text, 'lxc.mount.entry').map((v) => {
    const f = v.split(/\s+/).map(unescapeFstab);
    const options = (f[3] ?? 'defaults').split(',');
    return {
      source: f[0] ?? '',
      target: posix.normalize('/' + (f[1] ?? '')),
      fstype: f[2] ?? 'none',
      options,
      isBind: options.includes('bind') || options.includes('rbind'),
      readOnly: options.includes('ro'),
      isFile: options.includes('create=file'),
    };
  });
}
