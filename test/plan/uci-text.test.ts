import test from 'ava';
import { readFileSync } from 'node:fs';
import { exportPackage, list, opt, section } from '../../src/plan/uci-text.js';

interface UciCase { name: string; export: string | null }
const vectors = JSON.parse(readFileSync(new URL('../../../../shared/vectors/uci/cases.json', import.meta.url), 'utf8')) as { cases: UciCase[] };
const vector = (name: string): string => vectors.cases.find((c) => c.name === name)!.export!;

test('values are quoted as uci export quotes them', (t) => {
  const table: [string, string][] = [['plain', "'plain'"], ["it's", "'it'\\''s'"], ['a b', "'a b'"], ['x#y', "'x#y'"], ['say "hi"', `'say "hi"'`]];
  for (const [v, quoted] of table) t.is(exportPackage('p', [section('t', 'n', [opt('o', v)])]), `package p\n\nconfig t 'n'\n\toption o ${quoted}\n\n`, v);
});

test('export matches the real uci for quotes inside values and lists', (t) => {
  const text = exportPackage('test', [section('s', 'x', [opt('a', "it's"), list('l', ["a'b'c"])])]);
  t.is(text, vector('value_with_single_quote_export'));
});

test('export matches the real uci for several sections and an empty package', (t) => {
  const text = exportPackage('test', [
    section('s', 'x', [opt('a', 'b')]),
    section('t', 'y', [opt('c', 'd'), opt('e', 'f')]),
  ]);
  t.is(text, vector('semicolon_after_quoted_separates'));
  t.is(exportPackage('test', []), 'package test\n\n');
});
