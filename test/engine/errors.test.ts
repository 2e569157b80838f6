// What a user gets wrong, as root with real LXC: a file whose sha1 does not match, an archive
// that tries to leave its directory, a program that is not in the chute, a chute that is not
// installed. Each is exit code 1 with a message naming the problem, and the system (checked, not
// our state file) is exactly as it was before, with another chute installed and running meanwhile.
import test from 'ava';
import { readdir } from 'node:fs/promises';
import { archive, file, gzip } from '../platform/fetch/helpers/tar-writer.js';
import { cli, makeSysEnv, snapshot, uniqueName, writeChute } from './helpers/system.js';

test('user errors: exit 1, a message saying what is wrong, and the system unchanged', async (t) => {
  t.timeout(5 * 60_000);
  const e = await makeSysEnv(t);
  const keep = uniqueName('keep');
  t.is((await cli(e, ['install', await writeChute(e, keep, { files: [{ name: 'a', path: '/root/a', store: 'a', content: 'a' }] })])).exitCode, 0);

  const evil = gzip(archive(file('index.html', '<p>hi</p>'), file('../../../../escaped', 'gotcha')));
  const cases: Array<{ title: string; args: () => Promise<string[]>; message: RegExp; name: string }> = [];
  const bad = (title: string, message: RegExp, make: (name: string) => Promise<string[]>): void => {
    const name = uniqueName('bad');
    cases.push({ title, message, name, args: () => make(name) });
  };
  bad('sha1 mismatch', /step 1\/\d+ fetch-files .*sha1 mismatch: expected 0{40}, got [0-9a-f]{40}.*rolled back/, async (n) =>
    ['install', await writeChute(e, n, { files: [{ name: 'app', path: '/root/app', store: 'app', content: 'x', sha1: '0'.repeat(40) }] })]);
  bad('path-traversal archive', /place-files .*escaped.*rolled back/, async (n) =>
    ['install', await writeChute(e, n, { files: [{ name: 'www', path: '/srv/www', store: 'evil.tar.gz', content: evil, extract: true }] })]);
  bad('missing program', /check-programs .*"\/usr\/bin\/not-there", which is not an executable file in the chute.*rolled back/, async (n) =>
    ['install', await writeChute(e, n, { runtime: [{ name: 'x', program: '/usr/bin/not-there', args: [] }] })]);
  bad('unknown chute (start)', /chute "nochute" is not installed \(installed: keep[0-9a-f]+\); see `paradrop list`/, async () => ['start', 'nochute']);
  bad('unknown chute (remove)', /chute "nochute" is not installed/, async () => ['remove', 'nochute']);
  bad('unknown chute (set-resources)', /chute "nochute" is not installed/, async () => ['set-resources', 'nochute', '--cpu', '100']);
  bad('invalid chute', /struct/i, async (n) => {
    const dir = await writeChute(e, n);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${dir}/chute.json`, JSON.stringify({ name: n, struct: { net: { wan: { type: 'tunnel' } } } }));
    return ['install', dir];
  });

  for (const c of cases) {
    const args = await c.args();
    const before = await snapshot(e, [keep, c.name]);
    const r = await cli(e, args);
    t.is(r.exitCode, 1, `${c.title}: ${r.stderr}`);
    t.regex(r.stderr, c.message, c.title);
    const after = await snapshot(e, [keep, c.name]);
    t.deepEqual(after, before, `${c.title}: the system is as it was`);
  }
  // Nothing escaped the chute's data either.
  t.false((await readdir(e.root, { recursive: true })).some((p) => String(p).endsWith('escaped')));
  const json = await cli(e, ['status', 'nochute', '--json']);
  t.is(json.exitCode, 1);
  t.is((JSON.parse(json.stdout) as { error: { code: string } }).error.code, 'CHUTE_NOT_FOUND');
});
