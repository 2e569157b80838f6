// The engine lock across processes: many processes racing to take over one stale lock must hold
// it one at a time (enter/leave times recorded in a shared file never overlap), and all finish.
import test from 'ava';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const N = 12;
const LOCK_MODULE = fileURLToPath(new URL('../../src/engine/lock.js', import.meta.url));

// Each child: take the lock, append "enter", hold it a little, append "leave", release.
const CHILD = `
import { acquireLock } from ${JSON.stringify(LOCK_MODULE)};
import { appendFileSync } from 'node:fs';
const [lockPath, logPath, at] = process.argv.slice(1);
// All children start racing at the same moment, to make the takeover race likely.
while (Date.now() < Number(at)) await new Promise((r) => setTimeout(r, 1));
const lock = await acquireLock(lockPath, 'test', 60000);
appendFileSync(logPath, 'enter ' + process.pid + ' ' + (performance.timeOrigin + performance.now()) + '\\n');
await new Promise((r) => setTimeout(r, 30));
appendFileSync(logPath, 'leave ' + process.pid + ' ' + (performance.timeOrigin + performance.now()) + '\\n');
await lock.release();
`;

function run(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', CHILD, ...args], { timeout: 60_000 }, (err, _o, stderr) => {
      if (err) reject(new Error(`${err.message}: ${stderr}`));
      else resolve();
    });
  });
}

for (const stale of [
  JSON.stringify({ pid: 999999, start: 1, op: 'fake' }),
  '', // a damaged, empty lock file
]) {
  test(`concurrent processes over a stale lock (${JSON.stringify(stale)}) hold it one at a time`, async (t) => {
    t.timeout(120_000);
    const dir = await mkdtemp(join(tmpdir(), 'pd-lock-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    const lockPath = join(dir, 'lock');
    const logPath = join(dir, 'log');
    for (let round = 0; round < 5; round++) {
      await writeFile(lockPath, stale);
      await writeFile(logPath, '');
      const at = String(Date.now() + 1500);
      await Promise.all(Array.from({ length: N }, () => run([lockPath, logPath, at])));
      const lines = (await readFile(logPath, 'utf8')).trim().split('\n');
      t.is(lines.length, 2 * N, 'every process entered and left');
      // The log is appended in order: a strict enter/leave alternation by the same pid means no overlap.
      for (let i = 0; i < lines.length; i += 2) {
        const [a, pa] = lines[i]!.split(' ');
        const [b, pb] = lines[i + 1]!.split(' ');
        t.is(`${a} ${b}`, 'enter leave', `round ${round}: line ${i}: two holders at once:\n${lines.join('\n')}`);
        t.is(pa, pb, `round ${round}: line ${i}: another process entered while ${pa} held the lock`);
      }
      await t.throwsAsync(readFile(lockPath), { code: 'ENOENT' }, 'the last holder released it');
    }
  });
}
