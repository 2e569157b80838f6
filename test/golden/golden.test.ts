// Golden tests of the compiler: each case directory (see README.md) is compiled and rendered, and
// every output file compared byte for byte. UPDATE_GOLDEN=1 rewrites the expected files instead.
import test from 'ava';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadChute } from '../../src/chute/load.js';
import { compile } from '../../src/plan/compile.js';
import { lintDesiredState } from '../../src/plan/lint.js';
import { loadProfile } from '../../src/plan/load-profile.js';
import { renderPlan } from '../../src/plan/render.js';
import type { UciPackageName } from '../../src/plan/types.js';
import { exportPackage } from '../../src/plan/uci-text.js';
import { exportUci } from '../../src/uci/export.js';
import { parseUci } from '../../src/uci/parse.js';

const root = fileURLToPath(new URL('../../../test/golden/', import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';
const PACKAGES: UciPackageName[] = ['network', 'wireless', 'dhcp', 'firewall'];
const cases = readdirSync(root).filter((d) => d !== 'profiles' && statSync(join(root, d)).isDirectory()).sort();

test('there are golden cases for both cgroup versions, both examples and the chapter', (t) => {
  for (const c of ['seccam-v1', 'seccam-v2', 'envsense-v1', 'envsense-v2', 'both-chutes-v2', 'chapter-figures']) t.true(cases.includes(c), c);
});

for (const name of cases) {
  test(`golden: ${name}`, async (t) => {
    const dir = join(root, name);
    const spec = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as { profile: string; chutes: string[] };
    const profile = await loadProfile(join(dir, spec.profile), spec.profile);
    const chutes = await Promise.all(spec.chutes.map(async (p) => ({ chute: (await loadChute(join(dir, p), { label: p })).chute })));
    const state = compile(profile, chutes);
    t.deepEqual(lintDesiredState(state, profile), []);

    const outputs = new Map<string, string>();
    for (const pkg of PACKAGES) {
      const text = exportPackage(pkg, state.uci[pkg]);
      // What uci reads back from it is exactly the sections we meant, and exports the same text.
      const parsed = parseUci(text, pkg);
      t.deepEqual(parsed.sections.map((x) => ({ type: x.type, name: x.name, options: x.options })), state.uci[pkg], `${name}: ${pkg} reads back`);
      t.is(exportUci(parsed), text);
      outputs.set(`${pkg}.uci`, text);
    }
    for (const c of state.chutes) outputs.set(`lxc-${c.name}.conf`, c.lxcConfig);
    outputs.set('plan.txt', renderPlan(state));

    const present = readdirSync(dir).filter((f) => f !== 'case.json');
    for (const stale of present.filter((f) => !outputs.has(f))) {
      if (update) rmSync(join(dir, stale));
      else t.fail(`${name}/${stale} is not an output of this case any more (UPDATE_GOLDEN=1 removes it)`);
    }
    for (const [file, text] of outputs) {
      const path = join(dir, file);
      if (update) { writeFileSync(path, text); continue; }
      if (!existsSync(path)) { t.fail(`${name}/${file} is missing (UPDATE_GOLDEN=1 writes it)`); continue; }
      t.is(text, readFileSync(path, 'utf8'), `${name}/${file}`);
    }
  });
}
