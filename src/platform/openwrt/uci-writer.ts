// Writes paradrop's UCI sections on OpenWrt through the `uci` tool: the difference between the
// package now and the text the engine wants, as one `uci batch` of commands naming only `pd_`
// sections, with a private save directory (-t), then `uci commit` of that package. LuCI keeps a
// user's staged changes in /tmp/.uci; with our own -t directory they are neither committed by us
// nor lost (uci applies staged deltas on top of the file when LuCI later commits).
// A new firewall config is checked with `fw4 check` before anything reloads; when the check
// fails, the file's previous bytes are put back and the write fails.
// Invariants: non-owned sections, comments and layout are never named in a command; the private
// save directory is emptied before each batch (a crashed batch leaves nothing half-staged).
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ParadropError } from '../../errors.js';
import type { UciPackageName } from '../../plan/types.js';
import { diffToBatch, parseUci } from '../../uci/index.js';
import { mustRun, type OpenWrtTools, runTool } from './tools.js';

export interface UciWriterOptions {
  configDir: string;
  /** paradrop's own save directory for `uci -t` (never /tmp/.uci). */
  saveDir: string;
  tools: OpenWrtTools;
}

const isOwned = (s: { name: string; anonymous: boolean }): boolean => !s.anonymous && s.name.startsWith('pd_');

async function readBytes(path: string): Promise<Buffer | null> {
  return readFile(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw new ParadropError('IO_ERROR', `cannot read ${path}: ${err.code}`, { cause: err });
  });
}

async function putBack(path: string, bytes: Buffer | null): Promise<void> {
  if (bytes === null) {
    await rm(path, { force: true });
    return;
  }
  const tmp = `${path}.paradrop-restore`;
  await writeFile(tmp, bytes, { mode: 0o644 });
  await rename(tmp, path);
}

/** The uci batch lines that turn the package's owned sections into those of `text` (pure). */
export function batchFor(pkg: string, currentText: string, text: string | null): string[] {
  const desired = parseUci(text ?? '', pkg).sections.filter(isOwned)
    .map((s) => ({ type: s.type, name: s.name, options: s.options }));
  return diffToBatch(parseUci(currentText, pkg), pkg, desired, isOwned);
}

/** Platform.writeUci for OpenWrt. `null` (no paradrop section left) removes ours, never the file. */
export function createUciWriter(o: UciWriterOptions): (pkg: UciPackageName, text: string | null) => Promise<void> {
  const uci = (args: string[], input?: string): Promise<string> =>
    mustRun(o.tools, 'uci', ['-c', o.configDir, '-t', o.saveDir, ...args], input);
  return async (pkg, text) => {
    const file = join(o.configDir, pkg);
    const before = await readBytes(file);
    const lines = batchFor(pkg, before?.toString('utf8') ?? '', text);
    if (lines.length === 0) return;
    await rm(o.saveDir, { recursive: true, force: true });
    await mkdir(o.saveDir, { recursive: true, mode: 0o700 });
    await uci(['batch'], `${lines.join('\n')}\n`);
    await uci(['commit', pkg]);
    if (pkg !== 'firewall') return;
    const check = await runTool(o.tools, 'fw4', ['check']);
    if (check.ok) return;
    await putBack(file, before);
    throw new ParadropError('COMMAND_FAILED',
      `the firewall config paradrop generated failed \`fw4 check\`; /etc/config/firewall was put back as it was: ${(check.stderr || check.stdout).trim() || 'no message'}`,
      { value: 'fw4 check' });
  };
}
