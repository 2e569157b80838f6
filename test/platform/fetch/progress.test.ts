// Progress lines for the CLI: formatting and byte-based throttling (pure).
import test from 'ava';
import { createProgressPrinter, formatBytes, formatProgress } from '../../../src/platform/fetch/progress.js';

test('formats sizes and progress', (t) => {
  t.is(formatBytes(512), '512 B');
  t.is(formatBytes(1536), '1.5 KiB');
  t.is(formatBytes(5 * 1024 * 1024), '5.0 MiB');
  t.is(formatProgress({ name: 'site', bytes: 1024 * 1024, total: 4 * 1024 * 1024, percent: 25 }), 'fetching "site": 1.0 MiB of 4.0 MiB (25%)');
  t.is(formatProgress({ name: 'site', bytes: 2048 }), 'fetching "site": 2.0 KiB');
});

test('the printer writes every 10% for large files and nothing for small ones', (t) => {
  const lines: string[] = [];
  const print = createProgressPrinter((l) => lines.push(l), { minBytes: 1000 });
  for (let b = 0; b <= 100; b += 1) print({ name: 'small', bytes: b, total: 100, percent: b });
  t.deepEqual(lines, []);
  for (let b = 100; b <= 10000; b += 100) print({ name: 'big', bytes: b, total: 10000, percent: Math.floor(b / 100) });
  t.is(lines.length, 11);
  t.is(lines[0], 'fetching "big": 100 B of 9.8 KiB (1%)\n');
  t.is(lines[10], 'fetching "big": 9.8 KiB of 9.8 KiB (100%)\n');
});

test('without a total the printer steps by bytes once past the threshold', (t) => {
  const lines: string[] = [];
  const print = createProgressPrinter((l) => lines.push(l), { minBytes: 1000, stepBytes: 1000 });
  for (let b = 100; b <= 3500; b += 100) print({ name: 'x', bytes: b });
  t.deepEqual(lines, ['fetching "x": 1000 B\n', 'fetching "x": 2.0 KiB\n', 'fetching "x": 2.9 KiB\n']);
});
