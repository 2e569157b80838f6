// Conformance with the real uci tool: every parse case and edit case of
// ../shared/vectors/uci/cases.json (read at run time), through the pure API and through
// `paradrop uci` in-process on a temporary config and save directory.
import test from 'ava';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseUci } from '../../src/uci/parse.js';
import { exportUci } from '../../src/uci/export.js';
import { showUci } from '../../src/uci/show.js';
import { UciParseError } from '../../src/uci/errors.js';
import { MemoryUciStore } from '../../src/uci/store.js';
import { runBatch } from '../../src/uci/batch.js';
import { defaultCommandOptions, runUciCommand } from '../../src/uci/commands.js';
import { uciCommand } from '../../src/cli/uci.js';
import { bufferIo } from '../../src/cli/io.js';

interface Query { args: string[]; stdout: string; stderr: string; exit_code: number }
interface ParseCase {
  name: string; package: string; input: string; ok: boolean;
  export: string | null; show: string | null; show_X: string | null;
  error: string | null; exit_code: number;
  reexport_identical?: boolean; reexport_error?: string; queries?: Query[];
}
interface EditCase {
  name: string; package: string; before: string; ops: string[];
  batch_stdout: string; batch_stderr: string; batch_exit_code: number;
  delta_file: string | null; changes: string; after: string; after_show: string;
  commit_exit_code: number; committed_file: string; delta_file_after_commit: string | null;
}

const vectorsDir = path.resolve(process.cwd(), '../shared/vectors');
const casesFile = path.join(vectorsDir, 'uci', 'cases.json');

function parseErrorText(text: string): { reason: string; line: number; byte: number } {
  const m = /^uci: Parse error \((.*)\) at line (\d+), byte (\d+)\n$/s.exec(text);
  if (!m) throw new Error(`not a parse error text: ${JSON.stringify(text)}`);
  return { reason: m[1]!, line: Number(m[2]), byte: Number(m[3]) };
}

function catchParse(text: string, pkg: string): UciParseError | null {
  try {
    parseUci(text, pkg);
    return null;
  } catch (err) {
    if (err instanceof UciParseError) return err;
    throw err;
  }
}

/** A temporary config dir holding one package and an empty save dir. */
function tempUci(pkg: string, content: string): { conf: string; save: string; root: string } {
  const root = mkdtempSync(path.join(tmpdir(), 'pd-uci-'));
  const conf = path.join(root, 'config');
  const save = path.join(root, 'save');
  mkdirSync(conf);
  writeFileSync(path.join(conf, pkg), content);
  return { conf, save, root };
}

async function cli(dirs: { conf: string; save: string }, args: string[], stdin = '') {
  const io = bufferIo(stdin);
  const code = await uciCommand(['-c', dirs.conf, '-t', dirs.save, ...args], io);
  return { stdout: io.out, stderr: io.err, code };
}

function readOrNull(p: string): string | null {
  return existsSync(p) ? readFileSync(p, 'utf8') : null;
}

if (!existsSync(casesFile)) {
  test('uci conformance vectors are present', (t) => {
    t.fail(`uci vectors not found: looked for ${casesFile} (../shared/vectors relative to the repo root ${process.cwd()})`);
  });
} else {
  const data = JSON.parse(readFileSync(casesFile, 'utf8')) as { cases: ParseCase[]; edits: EditCase[] };

  test('vector file has parse and edit cases', (t) => {
    t.true(data.cases.length >= 62);
    t.true(data.edits.length >= 15);
  });

  for (const c of data.cases) {
    test(`parse: ${c.name}`, async (t) => {
      // Pure API.
      if (c.ok) {
        const pkg = parseUci(c.input, c.package);
        t.is<string | null, string | null>(exportUci(pkg), c.export, 'export');
        t.is<string | null, string | null>(showUci(pkg), c.show, 'show');
        t.is<string | null, string | null>(showUci(pkg, { internalNames: true }), c.show_X, 'show -X');
        const again = catchParse(c.export!, c.package);
        if (c.reexport_identical) {
          t.is(again, null, 're-parse of export');
          t.is<string | null, string | null>(exportUci(parseUci(c.export!, c.package)), c.export, 're-export');
        }
        if (c.reexport_error !== undefined) {
          const want = parseErrorText(c.reexport_error);
          t.truthy(again, 'export must not parse back');
          t.is(again?.reason, want.reason);
          t.is(again?.line, want.line);
        }
      } else {
        const err = catchParse(c.input, c.package);
        const want = parseErrorText(c.error!);
        t.truthy(err, 'must fail to parse');
        t.is(err?.reason, want.reason, 'reason');
        t.is(err?.line, want.line, 'line');
        t.is(err?.byte, want.byte, 'byte');
        t.is(err?.code, 'UCI_PARSE');
      }
      // The CLI on a real directory.
      const dirs = tempUci(c.package, c.input);
      t.teardown(() => rmSync(dirs.root, { recursive: true, force: true }));
      const exp = await cli(dirs, ['export', c.package]);
      t.is(exp.stdout, c.export ?? '', 'cli export stdout');
      t.is(exp.stderr, c.error ?? '', 'cli export stderr');
      t.is(exp.code, c.exit_code, 'cli export exit');
      if (c.ok) {
        t.is<string | null, string | null>((await cli(dirs, ['show', c.package])).stdout, c.show, 'cli show');
        t.is<string | null, string | null>((await cli(dirs, ['-X', 'show', c.package])).stdout, c.show_X, 'cli -X show');
      }
      for (const q of c.queries ?? []) {
        const r = await cli(dirs, q.args);
        t.deepEqual(r, { stdout: q.stdout, stderr: q.stderr, code: q.exit_code }, `query ${q.args.join(' ')}`);
      }
    });
  }

  for (const c of data.edits) {
    test(`edit: ${c.name}`, async (t) => {
      const input = c.ops.map((o) => `${o}\n`).join('');
      // CLI on real directories.
      const dirs = tempUci(c.package, c.before);
      t.teardown(() => rmSync(dirs.root, { recursive: true, force: true }));
      const deltaPath = path.join(dirs.save, c.package);
      const confPath = path.join(dirs.conf, c.package);
      const batch = await cli(dirs, ['batch'], input);
      t.is(batch.stdout, c.batch_stdout, 'batch stdout');
      t.is(batch.code, c.batch_exit_code, 'batch exit');
      t.is(batch.stderr === '', c.batch_stderr === '', `batch stderr: ${batch.stderr}`);
      t.is(readOrNull(deltaPath), c.delta_file, 'delta file');
      t.is((await cli(dirs, ['changes', c.package])).stdout, c.changes, 'changes');
      t.is((await cli(dirs, ['export', c.package])).stdout, c.after, 'after');
      t.is((await cli(dirs, ['show', c.package])).stdout, c.after_show, 'after_show');
      t.is((await cli(dirs, ['commit', c.package])).code, c.commit_exit_code, 'commit exit');
      t.is(readFileSync(confPath, 'utf8'), c.committed_file, 'committed file');
      t.is(readOrNull(deltaPath), c.delta_file_after_commit, 'delta after commit');

      // The same through the pure API on a memory store.
      const store = new MemoryUciStore({ [c.package]: c.before });
      const out = { stdout: '', stderr: '' };
      const sink = { stdout: (s: string) => { out.stdout += s; }, stderr: (s: string) => { out.stderr += s; } };
      t.is(runBatch(store, input, defaultCommandOptions, sink), c.batch_exit_code);
      t.is(out.stdout, c.batch_stdout, 'memory batch stdout');
      t.is(store.readDelta(c.package), c.delta_file, 'memory delta');
      const run = (args: string[]) => {
        const o = { stdout: '' };
        runUciCommand(store, args, defaultCommandOptions, { stdout: (s) => { o.stdout += s; }, stderr: () => {} });
        return o.stdout;
      };
      t.is(run(['changes', c.package]), c.changes, 'memory changes');
      t.is(run(['export', c.package]), c.after, 'memory after');
      run(['commit', c.package]);
      t.is(store.readConfig(c.package), c.committed_file, 'memory committed');
      t.is(store.readDelta(c.package), c.delta_file_after_commit, 'memory delta after commit');
    });
  }
}
