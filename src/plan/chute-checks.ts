// What the compiler checks of one chute before compiling it. Chute-intrinsic rules (netmask range,
// interface count, names, Wi-Fi keys, ports...) are src/chute's alone: recheckChute applies them to
// any Chute value, whoever built it. Here only the rules that depend on the gateway profile:
// where each file lands (fileTargets) and that it lands in one of the chute's writable directories.
// The directory rule for plain (non-extract) files: a path ending with "/" (kept by src/chute), or
// equal to one of profile.rootfs.writable ("/root", which is always a directory in a chute),
// names a directory, and the file goes inside it under its location's base name
// (src/chute/files.ts placedName): the chapter's {"path": "/root", "location":
// "@paradrop.server(seccam.py)"} is written to /root/seccam.py.
import type { Chute, ChuteFile } from '../chute/types.js';
import { placedName } from '../chute/files.js';
import { recheckChute } from '../chute/recheck.js';
import { type ProblemList, q } from './problems.js';
import type { GatewayProfile, PlanFile } from './types.js';

/** Runs src/chute's rules on `chute`; false (and its problems added) when it breaks any. */
export function recheck(chute: Chute, problems: ProblemList): boolean {
  const found = recheckChute(chute);
  for (const p of found) {
    problems.add(p.code, `${chute.name}:${p.path}`, `chute ${q(chute.name)}: ${p.message}`, p.value, p.expected);
  }
  return found.length === 0;
}

/** Where `file` is written inside the chute; undefined when no file name can be derived. */
export function targetOf(file: ChuteFile, profile: GatewayProfile): string | undefined {
  if (file.extract) return file.path;
  const dir = file.path.endsWith('/') ? file.path.slice(0, -1)
    : profile.rootfs.writable.includes(file.path) ? file.path : undefined;
  if (dir === undefined) return file.path;
  const name = placedName(file);
  return name === undefined ? undefined : `${dir}/${name}`;
}

/** The chute's files with their targets, each inside a writable directory and each target once. */
export function fileTargets(chute: Chute, profile: GatewayProfile, problems: ProblemList): PlanFile[] {
  const who = `chute ${q(chute.name)}`;
  const writable = profile.rootfs.writable;
  const out: PlanFile[] = [];
  const owners = new Map<string, string>();
  chute.files.forEach((f, i) => {
    const path = `${chute.name}:files[${i}].path`;
    const target = targetOf(f, profile);
    if (target === undefined) {
      problems.add('FIELD_INVALID', path,
        `${who}: file ${q(f.name)} goes into the directory ${q(f.path)}, but its location ends in no plain file name to give it there`,
        f.path, 'a full file path, or a location ending in a file name');
      return;
    }
    const under = (dir: string): boolean => target.startsWith(`${dir}/`) || (f.extract && target === dir);
    const ro = profile.rootfs.readOnlyBinds.filter(under);
    const rw = writable.filter(under);
    const deepest = (xs: string[]): number => Math.max(-1, ...xs.map((d) => d.length));
    if (rw.length === 0 || deepest(ro) >= deepest(rw)) {
      const where = ro.length > 0 ? `inside the gateway's read-only ${ro.join(', ')}` : "outside the chute's writable directories";
      problems.add('FIELD_INVALID', path,
        `${who}: file ${q(f.name)} goes to ${q(target)}, ${where} (${writable.join(', ')})`,
        f.path, `a path under one of ${writable.join(', ')}`);
      return;
    }
    const other = owners.get(target);
    if (other !== undefined) {
      problems.add('FIELD_INVALID', path, `${who}: files ${q(other)} and ${q(f.name)} both go to ${q(target)}`,
        target, 'one file per path');
      return;
    }
    owners.set(target, f.name);
    out.push({ ...f, target });
  });
  return out;
}
