// kill -9 at every step of install, remove, update and set-resources (before the step and after
// it), then `paradrop reconcile`: the system (containers and their state, mounts, loop devices,
// cgroups and their limits, chute directories, placed files, UCI files, the state file, the
// journal, and for a chute with an interface the bridges, addresses, qdiscs and nftables of the
// gateway namespace) is exactly the complete old state or the complete new state, never a mix.
// The kill is real: PARADROP_CRASH_AT makes the CLI SIGKILL itself at that point (runner.ts).
import test from 'ava';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ALIVE, cli, makeGatewayNs, makeSysEnv, snapshot, uniqueName, writeChute, type Snapshot, type SysEnv,
} from './helpers/system.js';

interface CrashCase {
  /** Puts the system in the old state (called once; later `revert` brings it back). */
  setup(): Promise<void>;
  op: string[];
  /** From the new state back to the old one. */
  revert(): Promise<void>;
}

async function ok(e: SysEnv, args: string[]): Promise<void> {
  const r = await cli(e, args);
  if (r.exitCode !== 0) throw new Error(`paradrop ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
}

function same(a: Snapshot, b: Snapshot): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

async function crashEveryStep(t: import('ava').ExecutionContext, e: SysEnv, name: string, c: CrashCase): Promise<void> {
  await c.setup();
  const old = await snapshot(e, [name]);
  const full = await cli(e, [...c.op, '--json']);
  t.is(full.exitCode, 0, full.stderr);
  const n = (JSON.parse(full.stdout) as { steps: number }).steps;
  t.true(n > 2, `the operation has steps (${n})`);
  const neu = await snapshot(e, [name]);
  t.false(same(old, neu), 'the operation changes the system');
  await c.revert();
  t.deepEqual(await snapshot(e, [name]), old, 'revert brings the old state back');

  const outcomes: string[] = [];
  for (let i = 0; i < n; i++) {
    for (const when of ['before', 'after'] as const) {
      const at = `${i}:${when}`;
      const r = await cli(e, [...c.op, '-q'], { PARADROP_CRASH_AT: at });
      t.is(r.signal, 'SIGKILL', `${at}: the CLI killed itself (${r.stderr})`);
      const rec = await cli(e, ['reconcile']);
      t.is(rec.exitCode, 0, `${at}: reconcile: ${rec.stderr}`);
      const s = await snapshot(e, [name]);
      if (same(s, old)) {
        outcomes.push(`${at}=old`);
      } else if (same(s, neu)) {
        outcomes.push(`${at}=new`);
        await c.revert();
      } else {
        const diff = (x: Snapshot): string => (Object.keys(s) as Array<keyof Snapshot>)
          .filter((k) => JSON.stringify(s[k]) !== JSON.stringify(x[k]))
          .map((k) => `${k}: ${JSON.stringify(s[k])} instead of ${JSON.stringify(x[k])}`).join('\n    ');
        t.fail(`${at}: the system after reconcile is neither the old state nor the new one.\n  vs old:\n    ${diff(old)}\n  vs new:\n    ${diff(neu)}`);
        return;
      }
    }
  }
  t.log(`${c.op[0]}: ${n} steps; ${outcomes.join(' ')}`);
  // Crashing after the last step leaves the new state; before the commit, the old one.
  t.is(outcomes[outcomes.length - 1], `${n - 1}:after=new`);
  t.is(outcomes[0], '0:before=old');
}

test('install: kill -9 at every step, then reconcile: old or new, never a mix', async (t) => {
  t.timeout(15 * 60_000);
  const e = await makeSysEnv(t);
  const name = uniqueName('ci');
  const dir = await writeChute(e, name, { files: [{ name: 'a', path: '/root/a.txt', store: 'a.txt', content: 'a\n' }] });
  await crashEveryStep(t, e, name, {
    setup: async () => undefined,
    op: ['install', dir],
    revert: () => ok(e, ['remove', name]),
  });
});

test('remove: kill -9 at every step, then reconcile: old or new, never a mix', async (t) => {
  t.timeout(15 * 60_000);
  const e = await makeSysEnv(t);
  const name = uniqueName('cr');
  const dir = await writeChute(e, name, { files: [{ name: 'a', path: '/root/a.txt', store: 'a.txt', content: 'a\n' }] });
  await crashEveryStep(t, e, name, {
    setup: () => ok(e, ['install', dir]),
    op: ['remove', name],
    revert: () => ok(e, ['install', dir]),
  });
});

test('update: kill -9 at every step, then reconcile: old or new, never a mix (files included)', async (t) => {
  t.timeout(15 * 60_000);
  const e = await makeSysEnv(t);
  const name = uniqueName('cu');
  const v1 = await writeChute(e, name, { files: [{ name: 'a', path: '/root/a.txt', store: 'a1.txt', content: 'one\n' }] });
  const v2 = await writeChute(e, name, {
    version: '2',
    files: [{ name: 'a', path: '/root/a.txt', store: 'a2.txt', content: 'two\n' }],
    runtime: [{ ...ALIVE, args: ['-c', 'while true; do date >> /tmp/alive2; sleep 1; done'] }],
  });
  await crashEveryStep(t, e, name, {
    setup: () => ok(e, ['install', v1]),
    op: ['install', v2],
    revert: () => ok(e, ['install', v1]),
  });
});

test('set-resources: kill -9 at every step, then reconcile: old or new limits, never a mix', async (t) => {
  t.timeout(15 * 60_000);
  const e = await makeSysEnv(t);
  const name = uniqueName('cs');
  const dir = await writeChute(e, name);
  await crashEveryStep(t, e, name, {
    setup: () => ok(e, ['install', dir]),
    op: ['set-resources', name, '--memory', '48M', '--cpu', '256'],
    revert: async () => { await ok(e, ['remove', name]); await ok(e, ['install', dir]); },
  });
});

async function wanChute(e: SysEnv, name: string): Promise<string> {
  const dir = await writeChute(e, name, { resource: { wan: { down: 5000, up: 1000 } } });
  const chute = JSON.parse(await readFile(join(dir, 'chute.json'), 'utf8')) as { struct: { net: Record<string, unknown> } };
  chute.struct.net.wan = { type: 'wan', intfName: 'eth0' };
  await writeFile(join(dir, 'chute.json'), JSON.stringify(chute));
  return dir;
}

test('network install and remove (in a gateway namespace): kill -9 at every step, then reconcile: old or new', async (t) => {
  t.timeout(15 * 60_000);
  const e = await makeSysEnv(t);
  await makeGatewayNs(e);
  const name = uniqueName('cn');
  const dir = await wanChute(e, name);
  await crashEveryStep(t, e, name, { setup: async () => undefined, op: ['install', dir], revert: () => ok(e, ['remove', name]) });
  await crashEveryStep(t, e, name, { setup: () => ok(e, ['install', dir]), op: ['remove', name], revert: () => ok(e, ['install', dir]) });
});
