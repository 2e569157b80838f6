// `paradrop uci [-c CONFDIR] [-t SAVEDIR] [-p DIR] [-d DELIM] [-X] [-q] [-n|-N] [-s|-S] COMMAND ...`:
// a compatible subset of OpenWrt's `uci` for hosts that lack it, with the same stdout, stderr
// and exit statuses (see src/uci/commands.ts). Options come before the command, as with uci
// on OpenWrt (musl getopt does not permute). `batch` reads its commands from standard input.
// Not supported: -f, -m, -P, -L, -C and `import`.
// Bytes: config files that are not valid UTF-8 keep their bytes (src/uci/encoding.ts), and what
// is printed about them goes out as bytes: through `stdoutBytes` when the CliIo has it, else
// handed as a Buffer to `stdout` (processIo passes it to process.stdout.write unchanged; a
// string-collecting io gets it decoded as UTF-8). Arguments and `batch` input reach us as
// Unicode strings (Node decodes argv and stdin as UTF-8), so bytes that are not UTF-8 cannot be
// given on the command line; values given are stored as UTF-8.
import { resolve } from 'node:path';
import type { CliIo } from './io.js';
import { EXIT_USER } from './exit-codes.js';
import { EXIT_USAGE, UCI_USAGE, defaultCommandOptions, runUciCommand, type UciCommandOptions, type UciOutput } from '../uci/commands.js';
import { runBatch } from '../uci/batch.js';
import { FsUciStore } from '../uci/store-fs.js';

interface Parsed {
  opts: UciCommandOptions;
  confDir: string;
  saveDir: string;
  deltaDirs: string[];
  rest: string[];
}

/** getopt("c:d:np:qsSt:NX") over the leading options; null on a bad option. */
function parseOptions(args: string[], cwd: string): Parsed | null {
  const p: Parsed = { opts: { ...defaultCommandOptions }, confDir: '/etc/config', saveDir: '/tmp/.uci', deltaDirs: [], rest: [] };
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    for (let j = 1; j < a.length; j++) {
      const f = a[j]!;
      if ('cdtp'.includes(f)) {
        const value = j + 1 < a.length ? a.slice(j + 1) : args[++i];
        if (value === undefined) return null;
        if (f === 'c') p.confDir = resolve(cwd, value);
        else if (f === 't') p.saveDir = resolve(cwd, value);
        else if (f === 'p') p.deltaDirs.push(resolve(cwd, value));
        else p.opts.delimiter = value;
        break;
      }
      switch (f) {
        case 'X':
          p.opts.internalNames = true;
          break;
        case 'q':
          p.opts.quiet = true;
          break;
        case 'n':
          p.opts.exportNames = true;
          break;
        case 'N':
          p.opts.exportNames = false;
          break;
        case 's':
          p.opts.strict = true;
          break;
        case 'S':
          p.opts.strict = false;
          break;
        default:
          return null;
      }
    }
  }
  p.rest = args.slice(i);
  return p;
}

/** A CliIo that may also take raw bytes for stdout. */
export type UciCliIo = CliIo & { stdoutBytes?(bytes: Uint8Array): void };

function outputOf(io: UciCliIo): UciOutput {
  return {
    stdout: (t) => io.stdout(t),
    stderr: (t) => io.stderr(t),
    stdoutBytes: (b) => {
      if (io.stdoutBytes) io.stdoutBytes(b);
      else (io.stdout as (chunk: string | Uint8Array) => void)(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
    },
  };
}

/** Entry point of `paradrop uci`. */
export async function uciCommand(args: string[], io: UciCliIo): Promise<number> {
  const p = parseOptions(args, io.cwd);
  if (!p || p.rest.length === 0) {
    io.stderr(UCI_USAGE);
    return EXIT_USER;
  }
  const store = new FsUciStore({ confDir: p.confDir, saveDir: p.saveDir, deltaDirs: p.deltaDirs });
  if (p.rest[0] === 'batch') {
    if (p.rest.length !== 1) {
      io.stderr(UCI_USAGE);
      return EXIT_USER;
    }
    return runBatch(store, io.readStdin(), p.opts, outputOf(io));
  }
  const status = runUciCommand(store, p.rest, p.opts, outputOf(io));
  if (status === EXIT_USAGE) {
    io.stderr(UCI_USAGE);
    return EXIT_USER;
  }
  return status;
}
