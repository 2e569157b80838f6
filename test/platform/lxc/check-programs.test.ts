// checkProgramsExist against a real prepared chute (loop-mounted disk, as root): programs are
// looked up in the chute's view, following the chute's symlinks from the chute's root; a missing
// one is PROGRAM_MISSING naming the chute, the entry and the program. chute-init reports a missing
// program in the status file of a real container.
import test from 'ava';
import { chmod, mkdir, writeFile, symlink } from 'node:fs/promises';
import { createContainer, startContainer } from '../../../src/platform/lxc/container.js';
import { prepareChuteDirs } from '../../../src/platform/lxc/chute-dirs.js';
import { checkProgramsExist } from '../../../src/platform/lxc/check-programs.js';
import { ParadropError } from '../../../src/errors.js';
import { makeTestChute, cleanupTestChute, waitFor, statusOf, type TestChute } from './helpers.js';

const chutes: TestChute[] = [];
test.afterEach.always(async (t) => {
  for (const c of chutes.splice(0)) {
    const errors = await cleanupTestChute(c);
    if (errors.length > 0) t.log(`cleanup of ${c.plan.container}: ${errors.join('; ')}`);
  }
});

async function preparedWith(argvs: Record<string, string[]>): Promise<TestChute> {
  const c = await makeTestChute({ programs: Object.entries(argvs).map(([name, argv]) => ({ name, argv })), diskKiB: 4096 });
  chutes.push(c);
  await prepareChuteDirs(c.plan);
  const srv = `${c.plan.dir}/data/srv`;
  await mkdir(`${srv}/app`, { recursive: true });
  await writeFile(`${srv}/app/run`, '#!/bin/sh\necho run\n');
  await chmod(`${srv}/app/run`, 0o755);
  await writeFile(`${srv}/app/data.txt`, 'not a program\n');
  // Absolute link targets start at the chute's root: /usr/bin/env in the chute is the host's (ro bind).
  await symlink('/usr/bin/env', `${srv}/app/env-link`);
  // This one points into the chute's /srv, which on the host is not /srv.
  await symlink('/srv/app/run', `${srv}/app/run-link`);
  await symlink('/srv/app/nowhere', `${srv}/app/dangling`);
  return c;
}

const found: Array<[string, string[]]> = [
  ['PATH name', ['sh', '-c', 'true']],
  ['absolute path on a ro bind', ['/usr/bin/node', '-v']],
  ['path through a host symlink (/bin)', ['/bin/sleep', '1']],
  ['program on the chute disk', ['/srv/app/run']],
  ['chute symlink to a ro bind', ['/srv/app/env-link']],
  ['chute symlink within the chute disk', ['/srv/app/run-link']],
  ['relative path from /', ['srv/app/run']],
];
for (const [what, argv] of found) {
  test.serial(`found: ${what}`, async (t) => {
    const c = await preparedWith({ main: argv });
    await t.notThrowsAsync(checkProgramsExist(c.plan));
  });
}

const missing: Array<[string, string]> = [
  ['unknown name', 'no-such-program-pd'],
  ['absolute path that is not there', '/srv/app/missing'],
  ['file without the exec bit', '/srv/app/data.txt'],
  ['a directory', '/srv/app'],
  ['dangling chute symlink', '/srv/app/dangling'],
  ['host path outside the chute view', '/work/main/package.json'],
  ['on a non-bind mount (proc)', '/proc/self/exe'],
];
for (const [what, program] of missing) {
  test.serial(`missing: ${what}`, async (t) => {
    const c = await preparedWith({ ok: ['sh'], web: [program, '--flag'] });
    const err = await t.throwsAsync(checkProgramsExist(c.plan), { instanceOf: ParadropError, code: 'PROGRAM_MISSING' });
    t.true(err.message.includes(`Chute "${c.plan.name}"`), err.message);
    t.true(err.message.includes('runtime entry "web"'), err.message);
    t.true(err.message.includes(`"${program}"`), err.message);
    t.false(err.message.includes('"ok"'));
    t.is(err.path, 'runtime.web');
    t.is(err.value, program);
  });
}

test.serial('several missing programs are named in one error', async (t) => {
  const c = await preparedWith({ a: ['nope-a'], b: ['sh'], c: ['/nope/c'] });
  const err = await t.throwsAsync(checkProgramsExist(c.plan), { code: 'PROGRAM_MISSING' });
  t.regex(err.message, /runtime entry "a" runs "nope-a", runtime entry "c" runs "\/nope\/c", which are not/);
  t.deepEqual((err as ParadropError).value, ['nope-a', '/nope/c']);
});

test.serial('chute-init reports a missing program as missing and keeps the others running', async (t) => {
  const c = await preparedWith({ ghost: ['no-such-program-pd'], idle: ['/bin/sleep', '3600'] });
  await createContainer(c.plan, { lxcPath: c.lxcPath });
  await startContainer(c.plan.container, { lxcPath: c.lxcPath });
  const ghost = await waitFor('ghost reported', 10_000, async () => {
    const s = await statusOf(c.plan, 'ghost');
    return s?.state === 'missing' ? s : undefined;
  });
  t.is(ghost.pid, null);
  t.is(ghost.restarts, 0);
  await waitFor('idle running', 10_000, async () => ((await statusOf(c.plan, 'idle'))?.state === 'running' ? true : undefined));
  const { readFile } = await import('node:fs/promises');
  t.regex(await readFile(`${c.plan.dir}/data/var/log/paradrop/ghost.log`, 'utf8'),
    /program 'no-such-program-pd' of 'ghost' is not an executable file/);
});
