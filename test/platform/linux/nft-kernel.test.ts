// Our nftables scripts against the real nft and kernel (as root, inside a namespace this test
// creates): every script we generate for the fw4 vectors and the compiler's golden output passes
// `nft -c`, including zone_device_name_16_chars whose fw4 ruleset does not (we refuse the name);
// and loaded into the kernel and listed back, each table gives the same probe verdicts as the text
// we wrote, so the kernel understood our rules as we meant them. A failing script leaves the old
// table in place (one transaction).
import test from 'ava';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fromUci } from '../../../src/platform/linux/from-uci.js';
import { toNftScript } from '../../../src/platform/linux/nft-script.js';
import { loadProfile } from '../../../src/plan/load-profile.js';
import { probeName, probesOf, runProbe, topologyOf } from './fw4-probes.js';
import { goldenConfig } from './home.js';
import { Lab } from './lab.js';
import { parseRuleset } from './nft-eval.js';
import { vectorProfile } from './profiles.js';
import { configOf, fw4Cases } from './vectors.js';

const lab = new Lab();
let ns: string;

test.before(async () => {
  ns = await lab.ns('nft');
});
test.after.always(async () => {
  await lab.cleanup();
});

for (const c of fw4Cases()) {
  for (const scope of ['paradrop', 'all'] as const) {
    test.serial(`fw4 ${c.name} (${scope}): nft accepts our script and the kernel's table means what we wrote`, async (t) => {
      const script = toNftScript(fromUci(configOf(c.network, c.firewall), vectorProfile()), { scope });
      await t.notThrowsAsync(lab.exec(ns, 'nft', ['-c', '-f', '-'], script));
      await lab.exec(ns, 'nft', ['-f', '-'], script);
      const listed = await lab.exec(ns, 'nft', ['-s', 'list', 'table', 'inet', 'paradrop']);
      const mine = parseRuleset(script);
      const kernel = parseRuleset(listed);
      const topo = topologyOf(c.interfaces);
      const diffs = probesOf(topo, c.firewall)
        .map((p) => ({ p, a: runProbe(mine, topo, p).text, b: runProbe(kernel, topo, p).text }))
        .filter((x) => x.a !== x.b)
        .map((x) => `${probeName(x.p)}: written '${x.a}', kernel '${x.b}'`);
      t.deepEqual(diffs, []);
    });
  }
}

const GOLDEN = resolve(process.cwd(), 'test/golden');
for (const name of readdirSync(GOLDEN).filter((d) => d !== 'profiles' && statSync(join(GOLDEN, d)).isDirectory())) {
  test.serial(`golden ${name}: nft accepts our script`, async (t) => {
    const spec = JSON.parse(readFileSync(join(GOLDEN, name, 'case.json'), 'utf8')) as { profile: string };
    const profile = await loadProfile(join(GOLDEN, name, spec.profile));
    const script = toNftScript(fromUci(goldenConfig(name), profile));
    await t.notThrowsAsync(lab.exec(ns, 'nft', ['-c', '-f', '-'], script));
  });
}

test.serial('a script that fails leaves the previous table untouched', async (t) => {
  // The script is one transaction: make sure the table exists, delete it, define it anew.
  t.true(toNftScript(fromUci(configOf(''), vectorProfile())).startsWith('table inet paradrop {\n}\ndelete table inet paradrop\ntable inet paradrop {\n'));
  const c = fw4Cases().find((x) => x.name === 'redirect_lan_tcp')!;
  const good = toNftScript(fromUci(configOf(c.network, c.firewall), vectorProfile()));
  await lab.exec(ns, 'nft', ['-f', '-'], good);
  const before = await lab.exec(ns, 'nft', ['-s', 'list', 'table', 'inet', 'paradrop']);
  const broken = good.replace('jump handle_reject', 'jump no_such_chain');
  await t.throwsAsync(lab.exec(ns, 'nft', ['-f', '-'], broken));
  t.is(await lab.exec(ns, 'nft', ['-s', 'list', 'table', 'inet', 'paradrop']), before);
});
