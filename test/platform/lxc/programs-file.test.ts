// The programs file: hostile arguments survive the trip through sh intact (checked by really
// sourcing the file under dash and busybox ash and printing argv), and bad entries are refused.
import test from 'ava';
import { execa } from 'execa';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toProgramsFile, shellQuote } from '../../../src/platform/lxc/programs-file.js';
import { ValidationError } from '../../../src/errors.js';
import type { ProgramPlan } from '../../../src/plan/types.js';

const HOSTILE = [
  'plain',
  'with space',
  "it's",
  "''",
  '"double"',
  '$(touch /tmp/pd-pwned)',
  '`touch /tmp/pd-pwned`',
  '$HOME ${PATH} $1 $@ $*',
  'line1\nline2\n',
  '\\n \\ back\\slash',
  ';|&<>(){}[]*?~#!',
  '  leading and trailing  ',
  '\t tab',
  '',
  '-e',
  "'; touch /tmp/pd-pwned; '",
  'ünïcødé ✓',
];

const SHELLS: Array<[string, string[]]> = [['dash', ['dash']], ['busybox ash', ['busybox', 'ash']]];

for (const [shell, cmd] of SHELLS) {
  test(`hostile arguments reach the program unchanged under ${shell}`, async (t) => {
    await rm('/tmp/pd-pwned', { force: true });
    const dir = await mkdtemp(join(tmpdir(), 'pd-programs-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    const runtime: ProgramPlan[] = [
      { name: 'echoer', argv: ['/usr/bin/node', '-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1)))', ...HOSTILE], origin: 'program' },
      { name: 'second', argv: ['true'], origin: 'dhcpserver' },
    ];
    const file = join(dir, 'programs');
    await writeFile(file, toProgramsFile('cam', runtime));
    const script = `. "$1"; echo "$pd_count|$pd_name_1|$pd_prog_1|$pd_name_2|$pd_log_max_bytes" >&2; pd_run_1`;
    const r = await execa(cmd[0]!, [...cmd.slice(1), '-c', script, 'sh', file], { reject: false });
    t.is(r.exitCode, 0, r.stderr);
    t.is(r.stderr, '2|echoer|/usr/bin/node|second|1048576');
    t.deepEqual(JSON.parse(r.stdout), HOSTILE);
    t.false(await import('node:fs').then((fs) => fs.existsSync('/tmp/pd-pwned')));
  });
}

test('shellQuote: one word, single quotes only', (t) => {
  t.is(shellQuote("a'b"), `'a'\\''b'`);
  t.is(shellQuote(''), "''");
  t.is(shellQuote('$x'), "'$x'");
});

const bad: Array<[string, ProgramPlan[], string[]]> = [
  ['name with a slash (it names the log file)', [{ name: '../etc', argv: ['x'], origin: 'program' }], ['runtime[0].name']],
  ['name with a space', [{ name: 'a b', argv: ['x'], origin: 'program' }], ['runtime[0].name']],
  ['duplicate names', [{ name: 'a', argv: ['x'], origin: 'program' }, { name: 'a', argv: ['y'], origin: 'program' }], ['runtime[1].name']],
  ['empty argv', [{ name: 'a', argv: [], origin: 'program' }], ['runtime[0].argv']],
  ['NUL in an argument', [{ name: 'a', argv: ['x', 'a\0b'], origin: 'program' }], ['runtime[0].argv[1]']],
  ['all problems at once', [{ name: 'a/b', argv: [], origin: 'program' }, { name: 'c', argv: ['\0'], origin: 'program' }],
    ['runtime[0].name', 'runtime[0].argv', 'runtime[1].argv[0]']],
];
for (const [what, runtime, paths] of bad) {
  test(`refused: ${what}`, (t) => {
    const err = t.throws(() => toProgramsFile('cam', runtime), { instanceOf: ValidationError });
    t.deepEqual(err.problems.map((p) => p.path), paths);
    t.true(err.message.startsWith('Chute "cam" runtime:'));
  });
}

test('an empty runtime gives a file that runs nothing', (t) => {
  const text = toProgramsFile('cam', []);
  t.regex(text, /^pd_count=0$/m);
  t.notRegex(text, /pd_run_/);
});
