// How config and delta files become the JS strings the codec works on, and back, byte for byte.
// uci treats values as bytes (anything but NUL); the codec works on strings. A file whose bytes
// are valid UTF-8 is decoded as UTF-8 ('utf8'); any other file is decoded one char per byte
// ('latin1'), so that writing it back with the same encoding restores every byte.
// In a 'latin1' package, text from outside (CLI arguments, batch lines, desired sections: real
// Unicode strings) must go through toFileText first: it turns a string into its UTF-8 bytes, one
// char per byte, so new values are written as UTF-8 and the package stays one char per byte.
// Pure (no I/O); the file wrappers are readConfigFile/writeConfigFile in store-fs.ts.
import { InternalError } from '../errors.js';

/** How a package's files were decoded (see the file comment). */
export type ConfigEncoding = 'utf8' | 'latin1';

export interface DecodedText {
  text: string;
  encoding: ConfigEncoding;
}

// ignoreBOM: a BOM is content (uci refuses it as part of the first keyword), not to be dropped.
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** True when `bytes` are valid UTF-8. */
export function isUtf8Bytes(bytes: Uint8Array): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Decodes with the given encoding (for 'utf8' the bytes must be valid UTF-8: see decodeConfigBytes). */
export function decodeAs(bytes: Uint8Array, encoding: ConfigEncoding): string {
  return encoding === 'utf8' ? strictUtf8.decode(bytes) : asBuffer(bytes).toString('latin1');
}

/** UTF-8 when the bytes are valid UTF-8, else one char per byte. */
export function decodeConfigBytes(bytes: Uint8Array): DecodedText {
  try {
    return { text: strictUtf8.decode(bytes), encoding: 'utf8' };
  } catch {
    return { text: asBuffer(bytes).toString('latin1'), encoding: 'latin1' };
  }
}

/** Decodes several files of one package alike: 'latin1' for all when any is not valid UTF-8. */
export function decodeTogether(files: readonly (Uint8Array | null)[]): { texts: (string | null)[]; encoding: ConfigEncoding } {
  const encoding: ConfigEncoding = files.every((b) => b === null || isUtf8Bytes(b)) ? 'utf8' : 'latin1';
  return { texts: files.map((b) => (b === null ? null : decodeAs(b, encoding))), encoding };
}

const BEYOND_LATIN1 = /[^\x00-\xff]/;

/**
 * The bytes of `text` in `encoding`. Throws InternalError when a 'latin1' text holds a char
 * above U+00FF (a string that skipped toFileText): Buffer would silently truncate it.
 */
export function encodeConfigText(text: string, encoding: ConfigEncoding): Buffer {
  if (encoding === 'utf8') return Buffer.from(text, 'utf8');
  if (BEYOND_LATIN1.test(text)) {
    throw new InternalError('text for a latin1-decoded UCI file holds characters above U+00FF; convert outside values with toFileText');
  }
  return Buffer.from(text, 'latin1');
}

const NON_ASCII = /[^\x00-\x7f]/;

/** A Unicode string (CLI argument, desired value) as it must appear in a package decoded with `encoding`. */
export function toFileText(value: string, encoding: ConfigEncoding): string {
  if (encoding === 'utf8' || !NON_ASCII.test(value)) return value;
  return Buffer.from(value, 'utf8').toString('latin1');
}

/** The other way: a package's string as Unicode (bytes that are not UTF-8 become U+FFFD). */
export function fromFileText(text: string, encoding: ConfigEncoding): string {
  if (encoding === 'utf8' || !NON_ASCII.test(text)) return text;
  return Buffer.from(text, 'latin1').toString('utf8');
}
