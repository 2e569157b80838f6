import test from 'ava';
import { fnv1a32 } from '../../src/plan/hash.js';
import { ProblemList } from '../../src/plan/problems.js';
import { SLOT_SPACE, assignSlots, formatSlot, preferredSlot } from '../../src/plan/slots.js';

test('FNV-1a 32 matches the published test vectors', (t) => {
  const table: [string, number][] = [['', 0x811c9dc5], ['a', 0xe40c292c], ['foobar', 0xbf9cf968]];
  for (const [text, hash] of table) t.is(fnv1a32(text), hash, JSON.stringify(text));
});

test('slots are 3 characters, preferred = base36(fnv mod 36^3)', (t) => {
  const table: [number, string][] = [[0, '000'], [35, '00z'], [36, '010'], [SLOT_SPACE - 1, 'zzz']];
  for (const [n, s] of table) t.is(formatSlot(n), s);
  const p = new ProblemList();
  const slots = assignSlots([{ name: 'seccam' }], p);
  t.is(slots.get('seccam'), formatSlot(fnv1a32('seccam') % SLOT_SPACE));
  t.is(preferredSlot('seccam'), fnv1a32('seccam') % SLOT_SPACE);
  t.true(p.empty);
});

test('a taken preferred slot probes to the next value, wrapping at zzz', (t) => {
  const name = 'seccam';
  const pref = preferredSlot(name);
  const p = new ProblemList();
  const slots = assignSlots([{ name: 'aaa', recorded: formatSlot(pref) }, { name }], p);
  t.is(slots.get(name), formatSlot((pref + 1) % SLOT_SPACE));
  t.is(slots.get('aaa'), formatSlot(pref));
  // wrap-around: a recorded zzz pushes a chute preferring zzz to 000
  const wrapName = findNameWithSlot(SLOT_SPACE - 1);
  t.truthy(wrapName);
  const s2 = assignSlots([{ name: 'other', recorded: 'zzz' }, { name: wrapName! }], new ProblemList());
  t.is(s2.get(wrapName!), '000');
  t.true(p.empty);
});

function findNameWithSlot(target: number): string | undefined {
  for (let i = 0; i < 5_000_000; i++) if (preferredSlot(`c${i}`) === target) return `c${i}`;
  return undefined;
}

test('recorded slots win over preferred ones and new chutes go in sorted order', (t) => {
  const pb = preferredSlot('b');
  const p = new ProblemList();
  // c records the slot b would prefer: b must move, c keeps it.
  const slots = assignSlots([{ name: 'b' }, { name: 'c', recorded: formatSlot(pb) }], p);
  t.is(slots.get('c'), formatSlot(pb));
  t.not(slots.get('b'), formatSlot(pb));
  t.true(p.empty);
});

test('malformed or doubly recorded slots are errors naming both chutes', (t) => {
  const p = new ProblemList();
  assignSlots([{ name: 'a', recorded: 'abc' }, { name: 'b', recorded: 'abc' }, { name: 'c', recorded: 'AB!' }], p);
  const codes = p.items.map((x) => x.code).sort();
  t.deepEqual(codes, ['DEVICE_NAME_INVALID', 'FIELD_INVALID']);
  const clash = p.items.find((x) => x.code === 'DEVICE_NAME_INVALID')!;
  t.regex(clash.message, /'a'/);
  t.regex(clash.message, /'b'/);
});
