// Delta files and the store operations on top of them (memory store: pure).
import test from 'ava';
import { applyDelta, formatChanges, formatDeltaLine, readDeltaLines } from '../../src/uci/delta.js';
import { parseUci } from '../../src/uci/parse.js';
import { exportUci } from '../../src/uci/export.js';
import { MemoryUciStore, commitPackage, loadPackage, revertChanges } from '../../src/uci/store.js';
import { defaultCommandOptions, runUciCommand } from '../../src/uci/commands.js';
import type { DeltaEntry } from '../../src/uci/edit.js';

const base = "config interface 'lan'\n\toption proto 'static'\n\tlist dns '1.1.1.1'\n\nconfig device\n\toption name 'br-lan'\n";

test('formatDeltaLine: one prefix per command, values quoted', (t) => {
  const lines = ([
    [{ cmd: 'change', section: 'lan', option: 'ipaddr', value: "it's" }, "net.lan.ipaddr='it'\\''s'\n"],
    [{ cmd: 'change', section: 'guest', value: 'interface' }, "net.guest='interface'\n"],
    [{ cmd: 'add', section: 'cfg050f15', value: 'device' }, "+net.cfg050f15='device'\n"],
    [{ cmd: 'remove', section: 'lan', option: 'ipaddr' }, '-net.lan.ipaddr\n'],
    [{ cmd: 'remove', section: 'lan', option: 'dns', value: '0' }, "-net.lan.dns='0'\n"],
    [{ cmd: 'rename', section: 'lan', value: 'home' }, "@net.lan='home'\n"],
    [{ cmd: 'reorder', section: 'lan', value: '3' }, "^net.lan='3'\n"],
    [{ cmd: 'list_add', section: 'lan', option: 'dns', value: 'a\nb' }, "|net.lan.dns='a\nb'\n"],
    [{ cmd: 'list_del', section: 'lan', option: 'dns', value: 'x' }, "~net.lan.dns='x'\n"],
  ] as [DeltaEntry, string][]);
  for (const [e, line] of lines) {
    t.is(formatDeltaLine('net', e), line);
    t.deepEqual(readDeltaLines(line).map((l) => l.entry), [e], line);
  }
});

test('applyDelta: skips lines that do not parse or apply, reports those that did', (t) => {
  const pkg = parseUci(base, 'net');
  const text = [
    "net.lan.ipaddr='10.0.0.1'",
    "other.lan.x='1'", // another package
    "net.nosuch.x='1'", // no such section
    "@net.lan='bad-name'", // invalid new name
    "net.@device[0].x='1'", // extended references are not allowed in deltas
    "net.lan.a='1' trailing", // garbage after the word
    "|net.lan='x'", // add_list without option
    "-net.cfg020f15.name",
    "net.lan.multi='one\ntwo'",
    '',
  ].join('\n');
  const applied = applyDelta(pkg, text);
  t.deepEqual(applied.map((e) => e.cmd), ['change', 'remove', 'change']);
  t.is(formatChanges('net', applied), "net.lan.ipaddr='10.0.0.1'\n-net.cfg020f15.name\nnet.lan.multi='one\ntwo'\n");
  t.is(exportUci(pkg), "package net\n\nconfig interface 'lan'\n\toption proto 'static'\n\tlist dns '1.1.1.1'\n\toption ipaddr '10.0.0.1'\n\toption multi 'one\ntwo'\n\nconfig device\n\n");
  t.deepEqual(readDeltaLines(text).map((l) => l.raw).join(''), text);
});

test('replayed add keeps the section anonymous and counts it', (t) => {
  const pkg = parseUci(base, 'net');
  applyDelta(pkg, "+net.cfg030f15='device'\nnet.cfg030f15.name='x'\n");
  t.is(pkg.sectionCounter, 3);
  t.true(pkg.sections[2]!.anonymous);
});

function run(store: MemoryUciStore, ...args: string[]): { out: string; err: string; code: number } {
  const r = { out: '', err: '', code: 0 };
  r.code = runUciCommand(store, args, defaultCommandOptions, { stdout: (s) => { r.out += s; }, stderr: (s) => { r.err += s; } });
  return r;
}

test('revert: by option, by section, whole package; invalid lines go too', (t) => {
  const store = new MemoryUciStore({ net: base });
  run(store, 'set', 'net.lan.ipaddr=1');
  run(store, 'set', 'net.lan.proto=dhcp');
  run(store, 'set', 'net.@device[0].mtu=1500');
  run(store, 'rename', 'net.lan=bad-name');
  revertChanges(store, 'net', 'lan', 'ipaddr');
  t.is(store.readDelta('net'), "net.lan.proto='dhcp'\nnet.cfg020f15.mtu='1500'\n");
  t.is(run(store, 'revert', 'net.@device[0]').code, 0);
  t.is(store.readDelta('net'), "net.lan.proto='dhcp'\n");
  run(store, 'revert', 'net');
  t.is(store.readDelta('net'), '');
  t.deepEqual(loadPackage(store, 'net').changes, []);
});

test('commit: nothing applied means no rewrite; applied means export body and empty delta', (t) => {
  const store = new MemoryUciStore({ net: `# comment\n${base}` });
  t.false(commitPackage(store, 'net'));
  store.appendDelta('net', "net.nosuch.x='1'\n");
  t.false(commitPackage(store, 'net'));
  t.is(store.readDelta('net'), "net.nosuch.x='1'\n");
  store.extraDeltas.set('net', ["net.lan.mtu='1400'\n"]);
  t.true(commitPackage(store, 'net'));
  t.is(store.readDelta('net'), '');
  t.true(store.readConfig('net')!.startsWith("\nconfig interface 'lan'\n"));
  t.true(store.readConfig('net')!.includes("option mtu '1400'"));
});

test('commands: exit statuses and messages of failing edits', (t) => {
  const store = new MemoryUciStore({ net: base });
  const cases: [string[], number, string][] = [
    [['get', 'net.lan.nosuch'], 1, 'uci: Entry not found\n'],
    [['get', 'net.lan.proto=x'], 1, ''],
    [['set', 'net.lan.proto'], 1, 'uci: Invalid argument\n'],
    [['set', 'net.lan=bad type'], 1, 'uci: Invalid argument\n'],
    [['set', 'net.lan.x=bell\u0007'], 1, 'uci: Parse error\n'],
    [['set', 'net.@device[5]=x'], 1, 'uci: Invalid argument\n'],
    [['delete', 'net.lan.dns=abc'], 1, ''],
    [['delete', 'net.lan.dns=7'], 0, ''],
    [['rename', 'net.nosuch=x'], 1, 'uci: Entry not found\n'],
    [['reorder', 'net.lan.proto=1'], 1, 'uci: Entry not found\n'],
    [['add', 'net', 'bad type'], 1, 'uci: Invalid argument\n'],
    [['add', 'nosuch', 'x'], 1, 'uci: Entry not found\n'],
    [['show', 'bad.pkg.name.x'], 1, 'uci: Parse error\n'],
    [['export', 'net.lan'], 1, 'uci: Invalid argument\n'],
    [['get'], 255, ''],
    [['frobnicate', 'x'], 255, ''],
  ];
  for (const [args, code, err] of cases) {
    const r = run(store, ...args);
    t.deepEqual([r.code, r.err], [code, err], args.join(' '));
  }
  t.is(store.readDelta('net'), null, 'no failing command recorded anything');
  const quiet = runUciCommand(store, ['get', 'net.x'], { ...defaultCommandOptions, quiet: true }, { stdout: () => {}, stderr: () => t.fail('quiet') });
  t.is(quiet, 1);
});
