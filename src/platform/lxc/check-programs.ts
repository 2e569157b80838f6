// Install-time check that every runtime program exists inside the chute: argv[0] is looked up the
// way chute-init will (PATH /usr/sbin:/usr/bin:/sbin:/bin, or the path itself if it has a slash),
// in the chute's view (read-only binds of host directories, writable directories on its disk).
// Invariants: needs the chute's disk mounted (prepareChuteDirs) when programs live on it; never
// looks at the host's own root.
import { stat } from 'node:fs/promises';
import { posix } from 'node:path';
import type { ChutePlan } from '../../plan/types.js';
import { ParadropError } from '../../errors.js';
import { CHUTE_PATH_ENV } from './layout.js';
import { chuteViewOf, resolveInChute, type ChuteView } from './chute-view.js';

async function isExecutableIn(view: ChuteView, chutePath: string): Promise<boolean> {
  const host = await resolveInChute(view, chutePath);
  if (host === null) return false;
  const st = await stat(host).catch(() => null);
  return st !== null && st.isFile() && (st.mode & 0o111) !== 0;
}

/** Chute path of the program argv[0] names, or null if it is not there. */
export async function findProgramInChute(view: ChuteView, program: string): Promise<string | null> {
  if (program === '') return null;
  const candidates = program.includes('/')
    ? [posix.resolve('/', program)]
    : CHUTE_PATH_ENV.split(':').map((d) => posix.join(d, program));
  for (const c of candidates) if (await isExecutableIn(view, c)) return c;
  return null;
}

/** Throws PROGRAM_MISSING naming the chute, each runtime entry and its program. */
export async function checkProgramsExist(plan: ChutePlan): Promise<void> {
  const view = chuteViewOf(plan);
  const missing: Array<{ entry: string; program: string }> = [];
  for (const p of plan.runtime) {
    const program = p.argv[0] ?? '';
    if ((await findProgramInChute(view, program)) === null) missing.push({ entry: p.name, program });
  }
  const first = missing[0];
  if (first === undefined) return;
  const list = missing.map((m) => `runtime entry "${m.entry}" runs "${m.program}"`).join(', ');
  throw new ParadropError('PROGRAM_MISSING',
    `Chute "${plan.name}": ${list}, which ${missing.length === 1 ? 'is' : 'are'} not an executable file in the chute ` +
    `(absolute paths are taken as they are, other names are looked up in ${CHUTE_PATH_ENV})`,
    { path: `runtime.${first.entry}`, value: missing.length === 1 ? first.program : missing.map((m) => m.program),
      expected: 'an executable file inside the chute' });
}
