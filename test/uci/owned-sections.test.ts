// replaceOwnedSections: paradrop's sections change, every other byte stays.
import test from 'ava';
import { replaceOwnedSections } from '../../src/uci/owned-sections.js';
import { serializeSection } from '../../src/uci/export.js';
import { parseUci } from '../../src/uci/parse.js';
import { UciError, UciParseError } from '../../src/uci/errors.js';
import { ValidationError } from '../../src/errors.js';
import type { UciSectionSpec } from '../../src/uci/model.js';
import { Gen, isPd } from './helpers.js';

const cam: UciSectionSpec = { type: 'interface', name: 'pd_cam', options: [{ name: 'proto', value: 'static' }, { name: 'dns', value: ['1.1.1.1', "it's"] }] };
const camText = "config interface 'pd_cam'\n\toption proto 'static'\n\tlist dns '1.1.1.1'\n\tlist dns 'it'\\''s'\n";
const env: UciSectionSpec = { type: 'zone', name: 'pd_env', options: [{ name: 'name', value: 'pdenv' }] };
const envText = "config zone 'pd_env'\n\toption name 'pdenv'\n";

interface Case {
  title: string;
  before: string;
  desired: UciSectionSpec[];
  after: string;
}

const user = "# my network\nconfig interface 'lan'\n    option proto   static # keep me\n\n";

const cases: Case[] = [
  { title: 'empty file gets the section', before: '', desired: [cam], after: camText },
  { title: 'append after user content with one blank line', before: user, desired: [cam],
    after: "# my network\nconfig interface 'lan'\n    option proto   static # keep me\n\n" + camText + '\n' },
  { title: 'append before trailing blank lines, in the given order', before: "config a 'x'\n\n\n", desired: [cam, env],
    after: "config a 'x'\n\n" + camText + '\n' + envText + '\n\n' },
  { title: 'file without final newline', before: "config a 'x'\n\toption b c", desired: [env],
    after: "config a 'x'\n\toption b c\n" + envText },
  { title: 'replace in place, user sections around untouched',
    before: "config a 'x'\n\nconfig zone 'pd_env'\n  option name old\n  option extra 1\n\n# about b\nconfig b\n\toption q  'r'\n",
    desired: [env],
    after: "config a 'x'\n\n" + envText + "\n# about b\nconfig b\n\toption q  'r'\n" },
  { title: 'remove from the middle leaves one blank line',
    before: "config a 'x'\n\nconfig zone 'pd_env'\n\toption name 'pdenv'\n\nconfig b 'y'\n",
    desired: [], after: "config a 'x'\n\nconfig b 'y'\n" },
  { title: 'remove without blank lines around',
    before: "config a 'x'\nconfig zone 'pd_env'\n\toption name 'pdenv'\nconfig b 'y'\n",
    desired: [], after: "config a 'x'\nconfig b 'y'\n" },
  { title: 'remove keeps the comments that follow (they introduce the next section)',
    before: "config a 'x'\n\nconfig zone 'pd_env'\n\toption name 'pdenv'\n\n# b is mine\nconfig b 'y'\n",
    desired: [], after: "config a 'x'\n\n# b is mine\nconfig b 'y'\n" },
  { title: 'comment inside an owned section survives its replacement',
    before: "config zone 'pd_env'\n\t# hand-written note\n\toption name 'old'\n",
    desired: [env], after: "\t# hand-written note\n" + envText },
  { title: 'comment inside an owned section survives its removal',
    before: "config a 'x'\n\nconfig zone 'pd_env'\n\t# note\n\toption name 'old'\n\nconfig b 'y'\n",
    desired: [], after: "config a 'x'\n\n\t# note\n\nconfig b 'y'\n" },
  { title: 'identical section keeps its odd formatting',
    before: "config a 'x'\nc   zone  pd_env   # ours\n   o name \"pdenv\"\n",
    desired: [env], after: "config a 'x'\nc   zone  pd_env   # ours\n   o name \"pdenv\"\n" },
  { title: 'CRLF file: replacement and appended sections use CRLF',
    before: "config a 'x'\r\n\r\nconfig zone 'pd_env'\r\n\toption name 'old'\r\n",
    desired: [env, cam],
    after: "config a 'x'\r\n\r\n" + envText.replaceAll('\n', '\r\n') + '\r\n' + camText.replaceAll('\n', '\r\n') },
  { title: 'replacement at the end of a file without final newline keeps it that way',
    before: "config a 'x'\n\nconfig zone 'pd_env'\n\toption name 'old'",
    desired: [env], after: "config a 'x'\n\n" + envText.slice(0, -1) },
  { title: 'a section re-opened later: first place replaced, second removed',
    before: "config zone 'pd_env'\n\toption name 'a'\n\nconfig b 'y'\n\nconfig zone 'pd_env'\n\toption x '1'\n\nconfig c 'z'\n",
    desired: [env], after: envText + "\nconfig b 'y'\n\nconfig c 'z'\n" },
  { title: 'owned sections between and after user sections, mixed add/replace/remove',
    before: "config a 'x'\n\nconfig zone 'pd_old'\n\toption name 'gone'\n\nconfig b\n\toption k v\n\nconfig zone 'pd_env'\n\toption name 'x'\n\n# tail comment\n",
    desired: [cam, env],
    after: "config a 'x'\n\nconfig b\n\toption k v\n\n" + envText + "\n# tail comment\n\n" + camText },
  { title: 'anonymous sections of the user are not ours even when the test is broad',
    before: "config rule\n\toption name 'r'\n", desired: [], after: "config rule\n\toption name 'r'\n" },
  { title: 'a package line after an owned section is not part of it',
    before: "config zone 'pd_env'\n\toption name 'x'\npackage test\n\nconfig b 'y'\n",
    desired: [], after: "package test\n\nconfig b 'y'\n" },
  { title: 'removing every owned section of a file leaves an empty file', before: envText, desired: [], after: '' },
  { title: 'a trailing comment on an option line survives replacement, on its own line above, with the indentation',
    before: "config a 'x'\n\nconfig zone 'pd_env'\n\toption name 'old' # user note\n\toption gone '1'\n",
    desired: [env], after: "config a 'x'\n\n\t# user note\n" + envText },
  { title: 'trailing comments survive removal, in file order with full-line comments',
    before: "config a 'x'\n\nconfig zone 'pd_env' # about pd_env\n  # inside\n  option name 'pdenv'   #  spaced note  \n\nconfig b 'y'\n",
    desired: [], after: "config a 'x'\n\n# about pd_env\n  # inside\n  #  spaced note  \n\nconfig b 'y'\n" },
  { title: 'trailing comment after a multi-line value and after ; separated statements',
    before: "config zone 'pd_env'\n\toption a 'one\n  two' # after the quote\n\toption b '1'; option c 2 # two statements\n",
    desired: [env], after: "\t# after the quote\n\t# two statements\n" + envText },
  { title: 'CRLF file: a moved trailing comment ends in CRLF',
    before: "config zone 'pd_env'\r\n\toption name 'old' # note\r\n",
    desired: [env], after: "\t# note\r\n" + envText.replaceAll('\n', '\r\n') },
  { title: 'trailing comment on the last line of a file without final newline',
    before: "config a 'x'\n\nconfig zone 'pd_env'\n\toption name 'old' # note",
    desired: [], after: "config a 'x'\n\n\t# note\n" },
  { title: 'empty option values and empty lists are not written (uci would drop them)',
    before: '', desired: [{ type: 'zone', name: 'pd_z', options: [{ name: 'a', value: '' }, { name: 'b', value: [] }, { name: 'c', value: ['', 'x'] }] }],
    after: "config zone 'pd_z'\n\tlist c ''\n\tlist c 'x'\n" },
];

for (const c of cases) {
  test(`replaceOwnedSections: ${c.title}`, (t) => {
    const out = replaceOwnedSections(c.before, 'test', c.desired, isPd);
    t.is(out, c.after);
    t.is(replaceOwnedSections(out, 'test', c.desired, isPd), out, 'idempotent');
  });
}

test('replaceOwnedSections: refuses text uci cannot parse', (t) => {
  const err = t.throws(() => replaceOwnedSections("config a 'x'\nbogus line\n", 'test', [cam], isPd));
  t.true(err instanceof UciParseError);
  t.is((err as UciParseError).reason, 'invalid command');
  t.is((err as UciParseError).line, 2);
});

test('replaceOwnedSections: refuses to take over a section that is not owned', (t) => {
  const err = t.throws(() => replaceOwnedSections("config interface 'lan'\n", 'network', [{ type: 'interface', name: 'lan', options: [] }], isPd));
  t.true(err instanceof ValidationError, 'the spec itself is not owned');
  const err2 = t.throws(() => replaceOwnedSections("config interface 'pd_x'\n", 'network', [{ type: 'interface', name: 'pd_x', options: [] }], (s) => s.name === 'pd_x' && !s.anonymous && s.type === 'zone'));
  t.true(err2 instanceof ValidationError);
  const err3 = t.throws(() => replaceOwnedSections("config zone 'pd_x'\n", 'network', [{ type: 'interface', name: 'pd_x', options: [] }], (s) => s.type === 'interface'));
  t.true(err3 instanceof UciError);
  t.is((err3 as UciError).code, 'UCI_INVALID_ARGUMENT');
  t.is((err3 as UciError).path, 'network.pd_x');
});

test('replaceOwnedSections: invalid specs are reported all at once', (t) => {
  const err = t.throws(() => replaceOwnedSections('', 'network', [
    { type: 'my type', name: 'pd_a', options: [{ name: 'bad-name', value: 'x' }] },
    { type: 'zone', name: 'pd_a', options: [{ name: 'v', value: 'nul\0' }] },
  ], isPd)) as ValidationError;
  t.true(err instanceof ValidationError);
  t.deepEqual(err.problems.map((p) => p.path), ['network.pd_a', 'network.pd_a.bad-name', 'network.pd_a', 'network.pd_a.v']);
});

test('replaceOwnedSections: an owned section sharing a line cannot be cut out', (t) => {
  const err = t.throws(() => replaceOwnedSections("config a 'x'; config zone 'pd_env'\n", 'test', [], isPd));
  t.true(err instanceof UciError);
  // but it may stay as it is
  t.is(replaceOwnedSections("config a 'x'; config zone 'pd_env'; option name 'pdenv'\n", 'test', [env], isPd),
    "config a 'x'; config zone 'pd_env'; option name 'pdenv'\n");
});

test('replaceOwnedSections: text uci ignores after a statement that is not a comment is refused, not deleted', (t) => {
  for (const before of [
    "config zone 'pd_env'\n\toption name old; option lost 1\n",
    "config zone 'pd_env'\n\toption name old\0 junk\n",
  ]) {
    const err = t.throws(() => replaceOwnedSections(before, 'test', [], isPd)) as UciError;
    t.true(err instanceof UciError, JSON.stringify(before));
    t.is(err.path, 'test.pd_env');
    t.regex(err.message, /line 2 ends in text uci ignores/);
    // Left alone when nothing is to change.
    t.is(replaceOwnedSections(before, 'test', [{ type: 'zone', name: 'pd_env', options: [{ name: 'name', value: 'old' }] }], isPd), before);
  }
});

test('serializeSection: export format, types quoted only when bare would not read back', (t) => {
  t.is(serializeSection(cam), camText);
  t.is(serializeSection({ type: 'a#b', name: 'pd_x', options: [] }), "config 'a#b' 'pd_x'\n");
  t.is(serializeSection(env, '\r\n'), envText.replaceAll('\n', '\r\n'));
  const back = parseUci(serializeSection({ type: "q'x", name: 'pd_x', options: [{ name: 'v', value: 'a\nb' }] }), 't');
  t.deepEqual(back.sections, [{ type: "q'x", name: 'pd_x', anonymous: false, options: [{ name: 'v', value: 'a\nb' }] }]);
});

test('replaceOwnedSections fuzz: add, change, remove all restores the original bytes', (t) => {
  const g = new Gen(20240601);
  let checked = 0;
  for (let i = 0; i < 400; i++) {
    const original = g.file();
    const before = parseUci(original, 'test');
    const d1 = g.specs();
    const r1 = replaceOwnedSections(original, 'test', d1, isPd);
    t.is(replaceOwnedSections(r1, 'test', d1, isPd), r1, `idempotent #${i}`);
    const d2 = g.specs();
    const r2 = replaceOwnedSections(r1, 'test', d2, isPd);
    const after = parseUci(r2, 'test');
    t.is(after.sections.filter((s) => !isPd(s)).length, before.sections.length, `user sections kept #${i}`);
    const back = replaceOwnedSections(r2, 'test', [], isPd);
    if (back !== original) {
      t.fail(`#${i} not restored:\n${JSON.stringify(original)}\n${JSON.stringify(r1)}\n${JSON.stringify(r2)}\n${JSON.stringify(back)}`);
      return;
    }
    t.is(replaceOwnedSections(r1, 'test', [], isPd), original, `remove after first edit #${i}`);
    checked++;
  }
  t.is(checked, 400);
});
