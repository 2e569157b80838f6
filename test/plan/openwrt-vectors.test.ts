// The checker's option tables against what the real firewall4 and netifd did with the configs in
// ../shared/vectors: every option they took silently is known to lint, every option fw4 called
// unknown is not, and every value fw4 called invalid is refused by lint's enums.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { ENUMS, KNOWN_OPTIONS } from '../../src/plan/openwrt-options.js';

interface Section { type: string; name: string | undefined; label: string; options: Map<string, string[]> }
interface Fw4Case { name: string; network: string; firewall: string; fw4_warnings: string[] }
interface NetifdCase { name: string; network: string }

const vectors = new URL('../../../../shared/vectors/', import.meta.url);
const fw4 = (JSON.parse(readFileSync(new URL('fw4/cases.json', vectors), 'utf8')) as { cases: Fw4Case[] }).cases;
const netifd = (JSON.parse(readFileSync(new URL('netifd/cases.json', vectors), 'utf8')) as { cases: NetifdCase[] }).cases;

/** Just enough of UCI for the vectors: config/option/list lines, single-quoted values. */
function parseSimpleUci(text: string): Section[] {
  const out: Section[] = [];
  const perType = new Map<string, number>();
  for (const line of text.split('\n')) {
    const c = /^config (\S+)(?: '([^']*)')?$/.exec(line);
    if (c) {
      const n = perType.get(c[1]!) ?? 0;
      perType.set(c[1]!, n + 1);
      out.push({ type: c[1]!, name: c[2], label: c[2] ?? `@${c[1]!}[${n}]`, options: new Map() });
      continue;
    }
    const o = /^\t(option|list) (\w+) '([^']*)'$/.exec(line);
    if (o) {
      const s = out[out.length - 1]!;
      s.options.set(o[2]!, [...(s.options.get(o[2]!) ?? []), o[3]!]);
    } else if (line.trim() !== '') throw new Error(`unexpected vector line ${JSON.stringify(line)}`);
  }
  return out;
}

const warningsOf = (c: Fw4Case, s: Section): string[] => c.fw4_warnings.filter((w) => w.startsWith(`[!] Section ${s.label} `));

test('every firewall option fw4 took silently is known; every one it called unknown is not', (t) => {
  let checked = 0;
  for (const c of fw4) {
    for (const s of parseSimpleUci(c.firewall)) {
      const known = KNOWN_OPTIONS[s.type];
      if (!known) continue; // defaults, include: never written by paradrop
      const unknown = new Set(warningsOf(c, s).map((w) => /specifies unknown option '(\w+)'/.exec(w)?.[1]).filter((x): x is string => !!x));
      for (const name of s.options.keys()) {
        t.is(known.includes(name), !unknown.has(name), `${c.name}: ${s.label} option ${name}`);
        checked++;
      }
    }
  }
  t.true(checked > 500);
});

test('every value fw4 called invalid is refused by lint; values of clean sections are accepted', (t) => {
  let invalid = 0;
  for (const c of fw4) {
    for (const s of parseSimpleUci(c.firewall)) {
      const enums = ENUMS[s.type] ?? {};
      const warnings = warningsOf(c, s);
      for (const w of warnings) {
        const m = /option '(\w+)' specifies invalid value '([^']*)'/.exec(w);
        if (!m || !enums[m[1]!]) continue; // src/dest: a zone that is missing, a reference check
        t.false(enums[m[1]!]!.includes(m[2]!), `${c.name}: ${s.label} ${m[1]} '${m[2]}'`);
        invalid++;
      }
      if (warnings.length > 0 || !s.name?.startsWith('pd_')) continue;
      for (const [name, values] of s.options) {
        const allowed = enums[name];
        // lint is stricter than fw4 on purpose: 'acc' passes fw4 as ACCEPT (rule_invalid_value).
        if (allowed) for (const v of values) if (v !== 'acc') t.true(allowed.includes(v), `${c.name}: ${s.label} ${name} '${v}'`);
      }
    }
  }
  t.is(invalid, 2); // forward 'DENY' and target 'ALLOW'
});

test('every network option netifd took is known to lint', (t) => {
  let checked = 0;
  for (const c of [...netifd, ...fw4]) {
    for (const s of parseSimpleUci(c.network)) {
      for (const name of s.options.keys()) {
        t.true((KNOWN_OPTIONS[s.type] ?? []).includes(name), `${c.name}: ${s.type} ${s.label} option ${name}`);
        checked++;
      }
    }
  }
  t.true(checked > 100);
});
