// The errors of the UCI codec. Each maps to one of libuci's error texts so that the uci-compatible
// CLI can print exactly what the real tool prints (`uci: Entry not found`,
// `uci: Parse error (invalid command) at line 2, byte 0`), while the message stays a full
// sentence naming the path and the value for everyone else.
import { ParadropError, type ErrorCode } from '../errors.js';

/** libuci's error strings, by the condition that raises them. */
export type UciErrorText = 'Invalid argument' | 'Entry not found' | 'Parse error' | 'I/O error';

const codeFor: Record<UciErrorText, ErrorCode> = {
  'Invalid argument': 'UCI_INVALID_ARGUMENT',
  'Entry not found': 'UCI_NOT_FOUND',
  'Parse error': 'UCI_PARSE',
  'I/O error': 'IO_ERROR',
};

/** A failed lookup or edit: a bad address, a missing entry, a malformed `pkg.section.option`. */
export class UciError extends ParadropError {
  readonly uciText: UciErrorText;

  constructor(uciText: UciErrorText, message: string, details: { path?: string; value?: unknown; expected?: string; cause?: unknown } = {}) {
    super(codeFor[uciText], message, details);
    this.name = 'UciError';
    this.uciText = uciText;
  }
}

/**
 * A file that libuci would refuse to load. `reason` is libuci's text (`invalid command`),
 * `line` the 1-based physical line where parsing stopped, `byte` the offset inside the logical
 * line (approximate after line continuations, as the spec allows).
 */
export class UciParseError extends UciError {
  readonly reason: string;
  readonly line: number;
  readonly byte: number;

  constructor(pkgName: string, reason: string, line: number, byte: number) {
    super('Parse error', `Parse error (${reason}) at line ${line}, byte ${byte}`, {
      path: pkgName,
      value: reason,
      expected: 'a file the uci tool can load',
    });
    this.name = 'UciParseError';
    this.reason = reason;
    this.line = line;
    this.byte = byte;
  }
}

/** What `uci` prints on stderr for this error (without the trailing newline). */
export function formatUciError(err: unknown): string {
  if (err instanceof UciParseError) return `uci: Parse error (${err.reason}) at line ${err.line}, byte ${err.byte}`;
  if (err instanceof UciError) return `uci: ${err.uciText}`;
  if (err instanceof ParadropError && err.code === 'IO_ERROR') return 'uci: I/O error';
  return 'uci: Unknown error';
}
