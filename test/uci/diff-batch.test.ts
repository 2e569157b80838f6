// diffToBatch: the uci batch commands, applied by our own uci batch, give exactly the desired
// owned sections and leave the user's alone.
import test from 'ava';
import { diffToBatch } from '../../src/uci/diff-batch.js';
import { parseUci } from '../../src/uci/parse.js';
import { replaceOwnedSections } from '../../src/uci/owned-sections.js';
import { MemoryUciStore, loadPackage, commitPackage } from '../../src/uci/store.js';
import { runBatch } from '../../src/uci/batch.js';
import { defaultCommandOptions } from '../../src/uci/commands.js';
import { normalizeSpecs, sectionMatches } from '../../src/uci/section-spec.js';
import { UciError } from '../../src/uci/errors.js';
import { ValidationError } from '../../src/errors.js';
import type { UciPackage, UciSectionSpec } from '../../src/uci/model.js';
import { Gen, isPd } from './helpers.js';

/** Applies the batch to `text` with our uci batch; returns the merged package and the committed one. */
function apply(text: string, lines: string[]): { merged: UciPackage; committed: UciPackage; stderr: string } {
  const store = new MemoryUciStore({ test: text });
  let stderr = '';
  runBatch(store, lines.map((l) => `${l}\n`).join(''), defaultCommandOptions, { stdout: () => {}, stderr: (s) => { stderr += s; } });
  const merged = loadPackage(store, 'test').pkg;
  commitPackage(store, 'test');
  return { merged, committed: parseUci(store.readConfig('test')!, 'test'), stderr };
}

/** The owned part of `pkg` is exactly `desired`; the rest equals `before`'s rest. */
function check(pkg: UciPackage, before: UciPackage, desired: UciSectionSpec[]): string | null {
  const specs = normalizeSpecs('test', desired, isPd);
  const owned = pkg.sections.filter(isPd);
  if (owned.length !== specs.size) return `owned count ${owned.length} != ${specs.size}`;
  for (const s of owned) {
    const spec = specs.get(s.name);
    if (!spec || !sectionMatches(s, spec)) return `section ${s.name} differs: ${JSON.stringify(s)} vs ${JSON.stringify(spec)}`;
  }
  const a = pkg.sections.filter((s) => !isPd(s)).map((s) => [s.type, s.anonymous ? '' : s.name, s.options]);
  const b = before.sections.filter((s) => !isPd(s)).map((s) => [s.type, s.anonymous ? '' : s.name, s.options]);
  return JSON.stringify(a) === JSON.stringify(b) ? null : 'user sections changed';
}

const base = "config interface 'lan'\n\toption proto 'static'\n\nconfig zone 'pd_z'\n\toption name 'z'\n\tlist network 'a'\n\tlist network 'b'\n\toption input 'REJECT'\n\nconfig rule 'pd_gone'\n\toption x '1'\n";

interface Case { title: string; desired: UciSectionSpec[]; lines: string[] }

const cases: Case[] = [
  { title: 'nothing to do', desired: [
    { type: 'zone', name: 'pd_z', options: [{ name: 'name', value: 'z' }, { name: 'network', value: ['a', 'b'] }, { name: 'input', value: 'REJECT' }] },
    { type: 'rule', name: 'pd_gone', options: [{ name: 'x', value: '1' }] },
  ], lines: [] },
  { title: 'remove everything owned', desired: [], lines: ['delete test.pd_z', 'delete test.pd_gone'] },
  { title: 'create with quoting', desired: [
    { type: 'redirect', name: 'pd_new', options: [{ name: 'name', value: "it's # not; a comment" }, { name: 'l', value: ['a b', 'two\nlines', ''] }] },
  ], lines: [
    'delete test.pd_z', 'delete test.pd_gone', "set test.pd_new='redirect'",
    "set test.pd_new.name='it'\\''s # not; a comment'", "add_list test.pd_new.l='a b'", "add_list test.pd_new.l='two\nlines'", "add_list test.pd_new.l=''",
  ] },
  { title: 'edit in place: type, changed value, extended list, removed and appended options', desired: [
    { type: 'zone2', name: 'pd_z', options: [{ name: 'network', value: ['a', 'b', 'c'] }, { name: 'input', value: 'ACCEPT' }, { name: 'output', value: 'ACCEPT' }] },
  ], lines: [
    'delete test.pd_gone', "set test.pd_z='zone2'", 'delete test.pd_z.name', "add_list test.pd_z.network='c'", "set test.pd_z.input='ACCEPT'", "set test.pd_z.output='ACCEPT'",
  ] },
  { title: 'list rewritten in place; plain option becomes a list', desired: [
    { type: 'zone', name: 'pd_z', options: [{ name: 'name', value: ['z', 'y'] }, { name: 'network', value: ['b'] }, { name: 'input', value: ['x'] }] },
  ], lines: [
    'delete test.pd_gone', "add_list test.pd_z.name='y'", "del_list test.pd_z.network='a'", "del_list test.pd_z.network='b'", "add_list test.pd_z.network='b'",
    "add_list test.pd_z.input='x'", "del_list test.pd_z.input='REJECT'",
  ] },
  { title: 'option order that cannot be kept: delete and re-create', desired: [
    { type: 'zone', name: 'pd_z', options: [{ name: 'input', value: 'REJECT' }, { name: 'name', value: 'z' }] },
  ], lines: ['delete test.pd_gone', 'delete test.pd_z', "set test.pd_z='zone'", "set test.pd_z.input='REJECT'", "set test.pd_z.name='z'"] },
  { title: 'a plain option becoming a one-item list of the same value: re-create', desired: [
    { type: 'zone', name: 'pd_z', options: [{ name: 'name', value: ['z'] }, { name: 'network', value: ['a', 'b'] }, { name: 'input', value: 'REJECT' }] },
  ], lines: ['delete test.pd_gone', 'delete test.pd_z', "set test.pd_z='zone'", "add_list test.pd_z.name='z'", "add_list test.pd_z.network='a'", "add_list test.pd_z.network='b'", "set test.pd_z.input='REJECT'"] },
];

for (const c of cases) {
  test(`diffToBatch: ${c.title}`, (t) => {
    const current = parseUci(base, 'test');
    const lines = diffToBatch(current, 'test', c.desired, isPd);
    t.deepEqual(lines, c.lines);
    const { merged, committed, stderr } = apply(base, lines);
    t.is(stderr, '');
    t.is(check(merged, current, c.desired), null);
    t.is(check(committed, current, c.desired), null);
  });
}

test('diffToBatch: refuses a desired name held by a user section, unowned specs and values uci refuses', (t) => {
  const current = parseUci(base, 'test');
  const e1 = t.throws(() => diffToBatch(current, 'test', [{ type: 'interface', name: 'lan', options: [] }], isPd));
  t.true(e1 instanceof ValidationError, 'the spec is not owned');
  // The spec passes as owned, but the section of that name in the file is the user's.
  const ownsIface = (s: { type: string; name: string }) => isPd(s) || (s.name === 'lan' && s.type === 'iface');
  const e2 = t.throws(() => diffToBatch(current, 'test', [{ type: 'iface', name: 'lan', options: [] }], ownsIface));
  t.true(e2 instanceof UciError);
  t.is((e2 as UciError).path, 'test.lan');
  const e3 = t.throws(() => diffToBatch(current, 'test', [{ type: 'zone', name: 'pd_z', options: [{ name: 'v', value: 'bell\u0007' }] }], isPd)) as ValidationError;
  t.true(e3 instanceof ValidationError);
  t.is(e3.problems[0]!.path, 'test.pd_z.v');
});

test('diffToBatch fuzz: applying the batch gives the desired sections', (t) => {
  const g = new Gen(77);
  let checked = 0;
  let edits = 0;
  for (let i = 0; i < 300; i++) {
    const text = replaceOwnedSections(g.file(), 'test', g.specs(), isPd);
    const current = parseUci(text, 'test');
    const desired = g.chance(0.1) ? [] : g.specs();
    const lines = diffToBatch(current, 'test', desired, isPd);
    const { merged, committed, stderr } = apply(text, lines);
    const problem = check(merged, current, desired) ?? check(committed, current, desired) ?? (stderr === '' ? null : stderr);
    if (problem !== null) {
      t.fail(`#${i}: ${problem}\n${JSON.stringify(text)}\n${lines.join('\n')}`);
      return;
    }
    t.deepEqual(diffToBatch(merged, 'test', desired, isPd), [], `#${i}: nothing left to do`);
    checked++;
    if (lines.length > 0) edits++;
  }
  t.is(checked, 300, 'every generated case was checked');
  t.true(edits > 200, `most cases needed commands (${edits} of 300)`);
});
