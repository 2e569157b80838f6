// Parser details beyond the conformance vectors: our reading of libuci's quirks, the error
// object, anonymous names, statement positions, addressing and the show/get forms.
import test from 'ava';
import { parseUci, parseUciLayout } from '../../src/uci/parse.js';
import { UciError, UciParseError, type UciErrorText } from '../../src/uci/errors.js';
import { anonymousName, djbHash } from '../../src/uci/names.js';
import { getUci, showUci } from '../../src/uci/show.js';
import { exportUci } from '../../src/uci/export.js';
import type { UciPackage } from '../../src/uci/model.js';

/** Sections as `type name: opt=value ...` lines, for compact expectations. */
function brief(pkg: UciPackage): string[] {
  return pkg.sections.map((s) => `${s.type} ${s.anonymous ? `(${s.name})` : s.name}:${s.options.map((o) => ` ${o.name}=${JSON.stringify(o.value)}`).join('')}`);
}

interface Case {
  title: string;
  input: string;
  strict?: boolean;
  sections?: string[];
  /** Strict mode: the error thrown (reason, line). */
  error?: [string, number];
  /** Non-strict mode: the errors reported and skipped (reason, line). */
  skipped?: [string, number][];
}

const cases: Case[] = [
  { title: 'a quoted word then ; then the line end', input: "config s 'x';\n\toption a 'b';\n", sections: ['s x: a="b"'] },
  { title: '; separates after quoted words, truncates after a bare one', input: "config s 'x'; option a 'b'; option c d; option e f\n", sections: ['s x: a="b" c="d"'] },
  { title: '; after an escaped word separates (something was removed from it)', input: 'config s x\\y; option a b\n', sections: ['s xy: a="b"'] },
  { title: 'a NUL byte ends the line', input: "config s 'x'\n\toption a val\0ue junk\n\toption b c\n", sections: ['s x: a="val" b="c"'] },
  { title: 'a NUL inside quotes pulls in the next line without the rest', input: "config s 'x'\n\toption a 'v\0junk\nw'\n", sections: ['s x: a="vw"'] },
  { title: '# glued to a keyword is not a comment', input: 'config#x s\n', error: ['invalid command', 1] },
  { title: 'keyword followed by CR LF', input: "config s 'x'\r\noption\r\n", error: ['invalid command', 2] },
  { title: 'backslash CR LF joins lines', input: "config s 'x'\r\n\toption a ab\\\r\ncd\r\n", sections: ['s x: a="abcd"'] },
  { title: 'continued line starting with blanks ends the word', input: "config s 'x'\n\toption a ab\\\n  cd\n", error: ['too many arguments', 3] },
  { title: 'error line counts the lines a quote spans', input: "config s 'x'\n\toption a 'one\ntwo' extra\n", error: ['too many arguments', 3] },
  { title: 'an anonymous section re-opened by its generated name', input: "config s\nconfig s 'cfg01b618'\n\toption a 1\n", sections: ['s (cfg01b618): a="1"'] },
  { title: 'a named section taking a generated-looking name stays named', input: "config s 'cfg02b618'\nconfig s\n", sections: ['s cfg02b618:', 's (cfg02b618):'] },
  { title: 'package name with a dash', input: "package my-pkg\nconfig s 'x'\n", sections: ['s x:'] },
  { title: 'package name with a dot', input: 'package my.pkg\n', error: ['invalid character in name field', 1] },
  { title: 'package without argument', input: 'package \n', error: ['insufficient arguments', 1] },
  { title: 'empty option name', input: "config s 'x'\n\toption '' 'v'\n", error: ['insufficient arguments', 2] },
  { title: 'non-strict: extra arguments ignored', input: "config s 'x' extra\n\toption a b c\n", strict: false, sections: ['s x: a="b"'] },
  { title: 'non-strict: a re-opened section may change type', input: "config s 'x'\nconfig t 'x'\n\toption a 1\n", strict: false, sections: ['t x: a="1"'] },
  { title: 'non-strict: the word after an extra argument is a command again (reported, rest of the line skipped)', input: "config s 'x' extra more\n\toption a b\n", strict: false,
    sections: ['s x: a="b"'], skipped: [['invalid command', 1]] },
  { title: 'non-strict: a bad line is reported and the next line parsed', input: "config s 'x'\nbogus line\n\toption a 1\nOption b 2\n\toption c 3\n", strict: false,
    sections: ['s x: a="1" c="3"'], skipped: [['invalid command', 2], ['invalid command', 4]] },
  { title: 'non-strict: statements after the error on the same line are skipped, those before kept', input: "config s 'x'; option a '1'; option bad-name 2; option c '3'\n\toption d 4\n", strict: false,
    sections: ['s x: a="1" d="4"'], skipped: [['invalid character in name field', 1]] },
  { title: 'non-strict: a failed config leaves the previous section current', input: "config s 'x'\nconfig s 'bad-name'\n\toption a 1\n", strict: false,
    sections: ['s x: a="1"'], skipped: [['invalid character in name field', 2]] },
  { title: 'non-strict: an option before the first section is skipped', input: "option a 1\nconfig s 'x'\n\toption b 2\n", strict: false,
    sections: ['s x: b="2"'], skipped: [['option/list command found before the first section', 1]] },
  { title: 'non-strict: an unterminated quote swallows the rest of the file', input: "config s 'x'\n\toption a 'open\n\toption b 2\n", strict: false,
    sections: ['s x:'], skipped: [["EOF with unterminated '", 3]] },
  { title: 'non-strict: an error after a quote spanning lines skips every line it pulled in', input: "config s 'x'\n\toption a 'one\ntwo' extra more\n\toption c 3\n", strict: false,
    sections: ['s x: a="one\\ntwo" c="3"'], skipped: [['invalid command', 3]] },
  { title: 'non-strict: an error before a quote is read leaves its next line to be parsed on its own', input: "config s 'x'\n\toption bad-name 'one\ntwo'\n\toption c 3\n", strict: false,
    sections: ['s x: c="3"'], skipped: [['invalid character in name field', 2], ['invalid command', 3]] },
  { title: 'strict mode stops at the first bad line', input: "config s 'x'\nbogus line\n\toption a 1\n", error: ['invalid command', 2] },
  { title: 'list over a list appends, option over a list replaces in place', input: "config s 'x'\n\tlist l a\n\toption o 1\n\tlist l b\n\toption l c\n", sections: ['s x: l="c" o="1"'] },
];

for (const c of cases) {
  test(`parse: ${c.title}`, (t) => {
    const skipped: [string, number][] = [];
    const onError = (e: UciParseError) => skipped.push([e.reason, e.line]);
    if (c.error) {
      const err = t.throws(() => parseUci(c.input, 'test', { strict: c.strict ?? true, onError })) as UciParseError;
      t.true(err instanceof UciParseError);
      t.deepEqual([err.reason, err.line], c.error);
    } else {
      t.deepEqual(brief(parseUci(c.input, 'test', { strict: c.strict ?? true, onError })), c.sections!);
    }
    t.deepEqual(skipped, c.skipped ?? [], 'errors skipped in non-strict mode');
  });
}

test('non-strict without onError: bad lines are skipped silently; layout records only what parsed', (t) => {
  const text = "config s 'x'\nbogus\n\toption a 1\n";
  t.deepEqual(brief(parseUci(text, 'test', { strict: false })), ['s x: a="1"']);
  const { statements } = parseUciLayout(text, 'test', { strict: false });
  t.deepEqual(statements.map((s) => s.kind), ['config', 'option']);
});

test('parse error byte offsets count bytes: one per char in a latin1-decoded text', (t) => {
  const utf8 = "config s 'x'\n\toption a 'Caf\u00e9' extra\n";
  const e1 = t.throws(() => parseUci(utf8, 'test')) as UciParseError;
  const e2 = t.throws(() => parseUci(utf8, 'test', { encoding: 'latin1' })) as UciParseError;
  t.is(e1.byte, 24, 'é is two bytes in UTF-8');
  t.is(e2.byte, 23, 'and one byte in a one-char-per-byte text');
});

test('parse error: a ParadropError with code, reason, line, byte and uci\'s message', (t) => {
  const err = t.throws(() => parseUci("config s 'x'\nOption a 1\n", 'network')) as UciParseError;
  t.is(err.code, 'UCI_PARSE');
  t.is(err.message, 'Parse error (invalid command) at line 2, byte 0');
  t.is(err.path, 'network');
  t.is(err.reason, 'invalid command');
  t.is(err.line, 2);
  t.is(err.byte, 0);
});

test('anonymous names: counter in hex (2+ digits), djb hash of the type', (t) => {
  t.deepEqual(['device', 'rule', 'interface', 'foo'].map((x) => anonymousName(1, x).slice(5)), ['0f15', '92bd', '6d96', '7389']);
  t.is(anonymousName(3, 'device'), 'cfg030f15');
  t.is(anonymousName(256, 'device'), 'cfg1000f15');
  t.is(djbHash(''), 5381);
  const many = parseUci('config device\n'.repeat(257), 'network');
  t.is(many.sectionCounter, 257);
  t.is(many.sections[255]!.name, 'cfg1000f15');
  t.is(many.sections[15]!.name, 'cfg100f15');
});

test('parseUciLayout: statement positions and sections', (t) => {
  const text = "# c\npackage net\nconfig a 'x'\n\toption k v # note\nconfig b 'y'; list l 1\n";
  const { pkg, statements } = parseUciLayout(text, 'net');
  t.deepEqual(statements.map((s) => [s.kind, text.slice(s.start, s.end), s.section]), [
    ['package', 'package net\n', -1],
    ['config', "config a 'x'\n", 0],
    ['option', 'option k v ', 0],
    ['config', "config b 'y'; ", 1],
    ['list', 'list l 1\n', 1],
  ]);
  t.is(pkg.sections.length, 2);
});

const pkg = parseUci("config s 'x'\n\tlist q \"it's x\"\n\tlist q plain\n\toption o 'a b'\nconfig s\nconfig t 'y'\n", 'test');

test('getUci: values, types, list quoting, errors', (t) => {
  t.is(getUci(pkg, 'test.x.q'), "'it'\\''s x' plain\n");
  t.is(getUci(pkg, 'test.x.q', { delimiter: '|' }), "'it'\\''s x'|plain\n");
  t.is(getUci(pkg, 'test.x.o'), 'a b\n');
  t.is(getUci(pkg, 'test.@s[-1]'), 's\n');
  t.is(getUci(pkg, 'test.@[2]'), 't\n');
  t.is(getUci(pkg, 'test'), '');
  const cases: [string, UciErrorText][] = [
    ['test.@s', 'Invalid argument'],
    ['test.@s[x]', 'Invalid argument'],
    ['test.@s[1]x', 'Invalid argument'],
    ['test.bad-name', 'Invalid argument'],
    ['test.@s[2]', 'Entry not found'],
    ['test.@s[-3]', 'Entry not found'],
    ['test.x.nosuch', 'Entry not found'],
    ['other.x', 'Entry not found'],
    ['test.x.bad-opt', 'Parse error'],
    ['test.x.o.extra', 'Parse error'],
  ];
  for (const [path, text] of cases) {
    const err = t.throws(() => getUci(pkg, path), undefined, path) as UciError;
    t.true(err instanceof UciError, path);
    t.is(err.uciText, text, path);
  }
});

test('showUci: delimiter, internal names, empty list', (t) => {
  t.is(showUci(pkg, { delimiter: ',' }), "test.x=s\ntest.x.q='it'\\''s x','plain'\ntest.x.o='a b'\ntest.@s[1]=s\ntest.y=t\n");
  t.is(showUci(pkg, { internalNames: true }).split('\n')[3], 'test.cfg02b618=s');
  t.is(showUci(pkg, { path: 'test.@s[1]' }), 'test.cfg02b618=s\n');
  t.is(showUci(pkg, { path: 'test.x.q', delimiter: '+' }), "test.x.q='it'\\''s x'+'plain'\n");
  t.is(showUci(pkg, { path: 'test' }), showUci(pkg));
  t.throws(() => showUci(pkg, { path: 'test.nosuch' }), { instanceOf: UciError, message: /not found/ });
  const empty: UciPackage = { name: 'p', sectionCounter: 1, sections: [{ type: 't', name: 'n', anonymous: false, options: [{ name: 'l', value: [] }] }] };
  t.is(showUci(empty), "p.n=t\np.n.l=\n");
  t.is(exportUci(empty), "package p\n\nconfig t 'n'\n\n");
  t.is(exportUci(parseUci('config a\n', 'p'), { nameAnonymous: true }), "package p\n\nconfig a 'cfg01b606'\n\n");
});
