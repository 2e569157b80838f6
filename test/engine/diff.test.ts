// The planner, read like its loop: current + target → steps; build the world those steps leave;
// ask again until nothing is left. Plans come from the real compiler; the world after the steps
// comes from a small model of what each step kind changes (no system here).
import test from 'ava';
import type { Chute } from '../../src/chute/types.js';
import { compile } from '../../src/plan/compile.js';
import {
  type CurrentWorld, type ObservedChute, type TargetWorld, type UciSections, PLAN_FIELD_CLASS, UCI_PACKAGES,
  changedFiles, configCore, diffPlans, planSteps, sectionsEqual,
} from '../../src/plan/diff.js';
import { defaultProfile } from '../../src/plan/profile.js';
import type { RunState, Step } from '../../src/plan/steps.js';
import type { ChutePlan } from '../../src/plan/types.js';

const HEX = 'a'.repeat(40);

function chute(name: string, edit: (c: Chute) => void = () => undefined): Chute {
  const c: Chute = {
    name, version: '1.0', description: '', owner: 'me',
    struct: { net: [] },
    files: [{ name: 'app', path: '/root/app.sh', location: { kind: 'store', path: 'app.sh' }, hash: { algorithm: 'sha1', hex: HEX }, extract: false }],
    resource: { cpu: { kind: 'default' }, memory: { kind: 'default' }, net: {} },
    runtime: [{ kind: 'program', name: 'app', program: '/bin/sh', args: ['/root/app.sh'] }],
    traffic: [],
  };
  edit(c);
  return c;
}

const withWan = (c: Chute): void => {
  c.struct.net.push({ name: 'wan', type: 'wan', intfName: 'eth0' });
  c.resource.net.wan = { downKbps: 5000 };
};

function emptyUci(): UciSections {
  return { network: [], wireless: [], dhcp: [], firewall: [] };
}

function target(chutes: Chute[], run: Record<string, RunState> = {}): TargetWorld {
  const d = compile(defaultProfile(), chutes.map((c) => ({ chute: c })));
  const world: TargetWorld = { uci: { ...emptyUci(), ...d.uci }, chutes: {} };
  for (const p of d.chutes) world.chutes[p.name] = { plan: p, run: run[p.name] ?? 'running' };
  return world;
}

const empty = (): CurrentWorld => ({ uci: emptyUci(), chutes: {} });

/** The world the steps leave, with `installed` as the state commit records it. */
function applySteps(cur: CurrentWorld, t: TargetWorld, steps: readonly Step[]): CurrentWorld {
  const w: CurrentWorld = structuredClone(cur);
  const get = (name: string, plan?: ChutePlan): ObservedChute => {
    w.chutes[name] ??= { name, container: `pd-${name}`, dir: plan?.dir ?? `/x/${name}`, lxcConfig: null, run: 'stopped', prepared: false };
    return w.chutes[name]!;
  };
  for (const s of steps) {
    switch (s.kind) {
      case 'prepare-dirs': Object.assign(get(s.chute, s.plan), { prepared: true, dir: s.plan.dir }); break;
      case 'create-container': get(s.chute).lxcConfig = s.lxcConfig; break;
      case 'start-container': case 'unfreeze-container': get(s.chute).run = 'running'; break;
      case 'stop-container': get(s.chute).run = 'stopped'; break;
      case 'freeze-container': get(s.chute).run = 'frozen'; break;
      case 'destroy-container': Object.assign(get(s.chute), { lxcConfig: null, run: 'stopped' }); break;
      case 'write-uci': w.uci[s.package] = s.sections; break;
      case 'destroy-dirs': if (w.chutes[s.chute]?.lxcConfig === null) delete w.chutes[s.chute]; break;
      default: break;
    }
  }
  for (const [name, c] of Object.entries(w.chutes)) {
    const tc = t.chutes[name];
    if (tc) c.installed = tc.plan;
    else delete c.installed;
  }
  return w;
}

/** Plans, applies, and asks again: the second plan must be empty. */
function converge(t: { deepEqual: (a: unknown, b: unknown, m?: string) => void }, cur: CurrentWorld, tw: TargetWorld, opts = {}) {
  const first = planSteps(cur, tw, { backupDir: '/b', ...opts });
  const after = applySteps(cur, tw, [...first.steps, ...first.cleanup]);
  const again = planSteps(after, tw, { backupDir: '/b', ...opts, forceNetwork: false });
  t.deepEqual([...again.steps, ...again.cleanup].map((s) => s.kind), [], 'nothing left after one round');
  return { first, after };
}

const kinds = (steps: readonly Step[]): string[] => steps.map((s) => s.kind);

test('install is a diff from nothing: fetch before any change, start last, nothing left after', (t) => {
  const tw = target([chute('cam')]);
  const { first, after } = converge(t, empty(), tw);
  t.deepEqual(kinds(first.steps), ['fetch-files', 'prepare-dirs', 'place-files', 'check-programs', 'create-container', 'start-container']);
  t.deepEqual(kinds(first.cleanup), ['drop-backup']);
  t.is(after.chutes.cam!.run, 'running');
  t.deepEqual(first.changes.map((c) => [c.chute, c.kind]), [['cam', 'create']]);
});

test('remove is a diff to nothing; directories go only after the commit (cleanup), data kept on request', (t) => {
  const tw = target([chute('cam')]);
  const { after } = converge(t, empty(), tw);
  const none: TargetWorld = { uci: emptyUci(), chutes: {} };
  const r = planSteps(after, none, { backupDir: '/b' });
  t.deepEqual(kinds(r.steps), ['stop-container', 'destroy-container']);
  t.deepEqual(r.cleanup, [{ kind: 'destroy-dirs', chute: 'cam', dir: tw.chutes.cam!.plan.dir, keepData: false }]);
  const kept = planSteps(after, none, { backupDir: '/b', keepData: true });
  t.true((kept.cleanup[0] as { keepData: boolean }).keepData);
  t.deepEqual(Object.keys(applySteps(after, none, [...r.steps, ...r.cleanup]).chutes), []);
});

test('run state changes: each transition is the least that gets there', (t) => {
  const table: Array<[RunState, RunState, string[]]> = [
    ['running', 'stopped', ['stop-container']],
    ['stopped', 'running', ['start-container']],
    ['running', 'frozen', ['freeze-container']],
    ['frozen', 'running', ['unfreeze-container']],
    ['frozen', 'stopped', ['stop-container']],
    ['stopped', 'frozen', ['start-container', 'freeze-container']],
    ['running', 'running', []],
  ];
  for (const [from, to, expected] of table) {
    const installed = converge(t, empty(), target([chute('cam')], { cam: from })).after;
    const { first } = converge(t, installed, target([chute('cam')], { cam: to }));
    t.deepEqual(kinds(first.steps), expected, `${from} → ${to}`);
  }
});

test('change classes: version → config only; limits → live; program → restart; each update converges', (t) => {
  const base = converge(t, empty(), target([chute('cam')])).after;
  const cases: Array<[string, (c: Chute) => void, string, string[]]> = [
    ['version only', (c) => { c.version = '1.1'; }, 'none', ['create-container']],
    ['memory limit', (c) => { c.resource.memory = { kind: 'value', value: 32 * 1024 * 1024 }; }, 'live', ['create-container', 'set-limits']],
    ['cpu shares', (c) => { c.resource.cpu = { kind: 'value', value: 512 }; }, 'live', ['create-container', 'set-limits']],
    ['program args', (c) => { (c.runtime[0] as { args: string[] }).args = ['/root/app.sh', '-v']; }, 'restart',
      ['stop-container', 'prepare-dirs', 'check-programs', 'start-container']],
    ['a new file', (c) => { c.files[0]!.hash.hex = 'b'.repeat(40); }, 'restart',
      ['fetch-files', 'stop-container', 'prepare-dirs', 'place-files', 'check-programs', 'start-container']],
  ];
  for (const [title, edit, cls, expected] of cases) {
    const { first } = converge(t, base, target([chute('cam', edit)]));
    t.deepEqual(kinds(first.steps), expected, title);
    t.is(first.changes[0]?.class as string | undefined, cls, title);
  }
});

test('a live change of a stopped chute only rewrites its config', (t) => {
  const stopped = converge(t, empty(), target([chute('cam')], { cam: 'stopped' })).after;
  const { first } = converge(t, stopped, target([chute('cam', (c) => { c.resource.cpu = { kind: 'value', value: 256 }; })], { cam: 'stopped' }));
  t.deepEqual(kinds(first.steps), ['create-container']);
});

test('an update places only the files that changed; unchanged ones stay as the chute left them', (t) => {
  const two = (c: Chute): void => {
    c.files.push({ name: 'conf', path: '/etc/app.conf', location: { kind: 'store', path: 'app.conf' }, hash: { algorithm: 'sha1', hex: 'c'.repeat(40) }, extract: false });
  };
  const base = converge(t, empty(), target([chute('cam', two)])).after;
  const { first } = converge(t, base, target([chute('cam', (c) => { two(c); c.files[1]!.hash.hex = 'd'.repeat(40); })]));
  const place = first.steps.find((s) => s.kind === 'place-files') as Extract<Step, { kind: 'place-files' }>;
  t.deepEqual(place.files.map((f) => f.name), ['conf']);
  t.deepEqual(changedFiles(chute('a').files, chute('a').files), []);
});

test('network chutes: UCI is written and applied after the old containers stop and before the new start', (t) => {
  const tw = target([chute('cam', withWan)]);
  const { first } = converge(t, empty(), tw);
  const k = kinds(first.steps);
  t.true(k.includes('write-uci'));
  t.true(k.indexOf('apply-network') > k.lastIndexOf('write-uci'));
  t.true(k.indexOf('start-container') > k.indexOf('apply-network'));
  t.deepEqual(k.slice(k.indexOf('start-container')), ['start-container', 'apply-shaping']);
  const written = first.steps.filter((s) => s.kind === 'write-uci').map((s) => (s as { package: string }).package);
  t.deepEqual(written, UCI_PACKAGES.filter((p) => tw.uci[p].length > 0));
});

test('reconcile after a reboot: remount, start again, apply the network even though UCI matches', (t) => {
  const tw = target([chute('cam', withWan)]);
  const installed = converge(t, empty(), tw).after;
  const booted: CurrentWorld = structuredClone(installed);
  Object.assign(booted.chutes.cam!, { run: 'stopped', prepared: false });
  const { first } = converge(t, booted, tw, { forceNetwork: true });
  t.deepEqual(kinds(first.steps), ['prepare-dirs', 'apply-network', 'start-container', 'apply-shaping']);
  const prep = first.steps[0] as Extract<Step, { kind: 'prepare-dirs' }>;
  t.is(prep.previous, null, 'nothing to restore on undo: the undo unmounts again');
});

test('orphans (containers or mounted dirs of chutes not installed) are stopped and removed, their data kept', (t) => {
  const orphan: ObservedChute = { name: 'old', container: 'pd-old', dir: '/x/old', lxcConfig: 'lxc.uts.name = old\n', run: 'running', prepared: true };
  const r = planSteps({ uci: emptyUci(), chutes: { old: orphan } }, { uci: emptyUci(), chutes: {} }, { backupDir: '/b' });
  t.deepEqual(kinds(r.steps), ['stop-container', 'destroy-container']);
  t.deepEqual(r.cleanup, [{ kind: 'destroy-dirs', chute: 'old', dir: '/x/old', keepData: true }]);
});

test('stray paradrop sections in UCI are removed; other chutes are left alone by a scoped plan', (t) => {
  const tw = target([chute('cam', withWan), chute('env', withWan)]);
  const both = converge(t, empty(), tw).after;
  const onlyCam = target([chute('cam', withWan)]);
  const r = planSteps(both, onlyCam, { backupDir: '/b', scope: ['env'] });
  t.deepEqual(kinds(r.steps).filter((k) => k !== 'write-uci'), ['stop-container', 'destroy-container', 'apply-network']);
  const camOnly = planSteps(both, onlyCam, { backupDir: '/b', scope: ['cam'] });
  t.false(kinds(camOnly.steps).includes('stop-container'), 'env is out of scope: not stopped');
});

test('every ChutePlan field has a change class', (t) => {
  const plan = target([chute('cam')]).chutes.cam!.plan;
  t.deepEqual(Object.keys(PLAN_FIELD_CLASS).sort(), Object.keys(plan).sort());
  t.is(diffPlans(plan, plan).class, 'none');
  t.deepEqual(diffPlans(plan, plan).fields, []);
});

test('configCore ignores comments and cgroup keys; sectionsEqual ignores section order', (t) => {
  t.is(configCore('# v1\nlxc.uts.name = a\nlxc.cgroup.cpu.shares = 1\nlxc.cgroup2.memory.max = 5\n'), 'lxc.uts.name = a');
  const a = { type: 'interface', name: 'pd_a', options: [{ name: 'proto', value: 'static' }] };
  const b = { type: 'interface', name: 'pd_b', options: [] };
  t.true(sectionsEqual([a, b], [b, a]));
  t.false(sectionsEqual([a], [{ ...a, options: [{ name: 'proto', value: 'dhcp' }] }]));
});
