// The SDK Makefiles (openwrt/*/Makefile) and scripts/package.mjs describe the same packages:
// version and release, dependencies, conffiles, PKGARCH all, and every file the packager ships
// is installed by the Makefile from the same source.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, VERSION, makefileVar, packager } from './build.js';

const MAKEFILES: Record<string, string> = {
  paradrop: readFileSync(join(ROOT, 'openwrt/paradrop/Makefile'), 'utf8'),
  'luci-app-paradrop': readFileSync(join(ROOT, 'openwrt/luci-app-paradrop/Makefile'), 'utf8'),
};

/** `define Package/NAME...endef` bodies, continuation lines joined. */
function defineBlock(text: string, name: string): string {
  const m = new RegExp(`^define ${name.replace(/[/.]/g, '\\$&')}\\n([\\s\\S]*?)^endef`, 'm').exec(text);
  if (!m) throw new Error(`no define ${name}`);
  return m[1]!.replace(/\\\n\s*/g, ' ');
}

function dependsOf(text: string, pkg: string): string[] {
  const m = /DEPENDS:=(.*)/.exec(defineBlock(text, `Package/${pkg}`));
  return (m?.[1] ?? '').trim().split(/\s+/).map((d) => d.replace(/^\+/, '')).sort();
}

test('both Makefiles carry package.json\'s version and the same release', (t) => {
  for (const [name, text] of Object.entries(MAKEFILES)) {
    t.is(makefileVar(text, 'PKG_NAME'), name);
    t.is(makefileVar(text, 'PKG_VERSION'), VERSION, name);
    t.is(makefileVar(text, 'PKG_RELEASE'), makefileVar(MAKEFILES.paradrop!, 'PKG_RELEASE'), name);
    t.is(makefileVar(text, 'PKG_LICENSE'), 'Apache-2.0', name);
  }
});

test('Makefiles and the packager agree on dependencies; both packages are PKGARCH all', async (t) => {
  const specs = (await packager()).packageSpecs() as { name: string; depends: string[]; conffiles: string[] }[];
  for (const spec of specs) {
    const text = MAKEFILES[spec.name]!;
    t.deepEqual(dependsOf(text, spec.name), [...spec.depends].sort(), spec.name);
    t.regex(defineBlock(text, `Package/${spec.name}`), /PKGARCH:=all/);
  }
});

test('conffiles agree', async (t) => {
  const specs = (await packager()).packageSpecs() as { name: string; conffiles: string[] }[];
  const pd = specs.find((s) => s.name === 'paradrop')!;
  t.deepEqual(defineBlock(MAKEFILES.paradrop!, 'Package/paradrop/conffiles').trim().split('\n'), pd.conffiles);
  t.false(/define Package\/luci-app-paradrop\/conffiles/.test(MAKEFILES['luci-app-paradrop']!));
});

test('every file the packager ships is installed by the Makefile from the same source, with a matching mode', async (t) => {
  const specs = (await packager()).packageSpecs() as { name: string; files: { path: string; src?: string; tree?: string; link?: string; mode?: number }[] }[];
  for (const spec of specs) {
    const install = defineBlock(MAKEFILES[spec.name]!, `Package/${spec.name}/install`);
    for (const f of spec.files) {
      if (f.link !== undefined) {
        t.true(install.includes(`$(LN) ${f.link} $(1)${f.path}`), `${spec.name}: link ${f.path}`);
        continue;
      }
      const source = f.src ?? f.tree!;
      const lines = install.split('\n').filter((l) => l.includes(`$(PARADROP_SRC)/${source}`));
      t.true(lines.length === 1, `${spec.name}: ${source} installed once`);
      if (f.mode === 0o755) t.regex(lines[0] ?? '', /\$\(INSTALL_BIN\)/, `${source} is installed executable`);
      if (f.mode === 0o644) t.regex(lines[0] ?? '', /\$\(INSTALL_DATA\)/, `${source} is installed as data (0644)`);
      if (f.mode === 0o600) t.regex(lines[0] ?? '', /\$\(INSTALL_CONF\)/, `${source} is installed as a config (0600)`);
    }
  }
});
