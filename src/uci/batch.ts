// `uci batch`: commands read from text, one logical line each, words split with the config-file
// rules (quotes, escapes, `#` comments), at most 4 words; an empty word ends the line's
// arguments. Stops at the end or at `exit`. A failing command prints its error and the batch
// goes on; the batch itself exits 0 (libuci's stale "(...) at line 1, byte 0" suffixes on batch
// errors are not reproduced).
import { UciReader } from './reader.js';
import { UciError, formatUciError } from './errors.js';
import { EXIT_USAGE, runUciCommand, type UciCommandOptions, type UciOutput } from './commands.js';
import type { UciStore } from './store.js';

const MAX_WORDS = 4;

/** Yields the words of each batch line, or the parse error that ended the input. */
export function* batchLines(input: string): Generator<string[] | UciError> {
  const r = new UciReader(input, 'batch');
  for (;;) {
    try {
      if (!r.nextLine()) return;
      const words: string[] = [];
      for (let w = r.word(); w !== ''; w = r.word()) words.push(w);
      yield words;
    } catch (err) {
      if (!(err instanceof UciError)) throw err;
      yield err; // an unterminated quote swallowed the rest of the input
    }
  }
}

/** Runs `uci batch` over `input`; returns the exit status (0 unless the arguments were bad). */
export function runBatch(store: UciStore, input: string, opts: UciCommandOptions, out: UciOutput): number {
  for (const words of batchLines(input)) {
    if (words instanceof UciError) {
      if (!opts.quiet) out.stderr(`${formatUciError(words)}\n`);
      continue;
    }
    if (words.length === 0) continue;
    if (words.length > MAX_WORDS) {
      if (!opts.quiet) out.stderr('Too many arguments\n');
      continue;
    }
    if (words[0]!.toLowerCase() === 'exit') break;
    const status = runUciCommand(store, words, opts, out);
    if (status === EXIT_USAGE && !opts.quiet) out.stderr(`uci: unknown command or wrong arguments: ${words.join(' ')}\n`);
  }
  return 0;
}
