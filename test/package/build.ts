// Builds both .ipk once per test file with scripts/package.mjs into a temporary directory (never
// dist/, which a developer may be using), from the bundle `npm run build` made.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = process.cwd();
export const EPOCH = 1700000000;
export const VERSION: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version;

export function makefileVar(text: string, name: string): string | undefined {
  const m = new RegExp(`^${name}:=(.*)$`, 'm').exec(text);
  return m?.[1]?.trim();
}

export const RELEASE = makefileVar(readFileSync(join(ROOT, 'openwrt/paradrop/Makefile'), 'utf8'), 'PKG_RELEASE') ?? '?';
export const FULL_VERSION = `${VERSION}-${RELEASE}`;

export interface Built { dir: string; paradrop: string; luci: string; stdout: string }

/** Runs the packager; throws (failing the test) with a clear message when the bundle is missing. */
export function buildPackages(env: Record<string, string> = {}): Built {
  if (!existsSync(join(ROOT, 'dist/paradrop.js'))) throw new Error('dist/paradrop.js is missing: run `npm run build` before these tests (npm test does)');
  const dir = mkdtempSync(join(tmpdir(), 'pd-ipk-'));
  const stdout = execFileSync(process.execPath, [join(ROOT, 'scripts/package.mjs'), '--out', dir], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, SOURCE_DATE_EPOCH: String(EPOCH), ...env },
  });
  return {
    dir, stdout,
    paradrop: join(dir, `paradrop_${FULL_VERSION}_all.ipk`),
    luci: join(dir, `luci-app-paradrop_${FULL_VERSION}_all.ipk`),
  };
}

/** scripts/package.mjs's exports (plain JS, loaded at run time). */
export async function packager(): Promise<any> {
  return import(new URL('../../../scripts/package.mjs', import.meta.url).href);
}
