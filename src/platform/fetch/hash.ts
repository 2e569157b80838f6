// Expected hashes of chute files: checked for shape before any use, because the hex string
// becomes a cache file name (an unchecked value could name a path outside the cache).
// Pure: node:crypto only computes.
import { createHash, type Hash } from 'node:crypto';
import { ParadropError, quote } from '../../errors.js';
import type { FileHash } from '../../chute/types.js';

const HEX_LENGTH: Record<FileHash['algorithm'], number> = { sha1: 40, sha256: 64 };

/** Lower-cases and checks an expected hash; throws FIELD_INVALID naming the file. */
export function checkHash(hash: FileHash, fileName: string): FileHash {
  const len = HEX_LENGTH[hash.algorithm];
  if (len === undefined) {
    throw new ParadropError('FIELD_INVALID', `file ${quote(fileName)}: hash algorithm ${quote(hash.algorithm)} is not supported`,
      { path: `files.${fileName}.hash`, value: hash.algorithm, expected: 'sha1 or sha256' });
  }
  const hex = hash.hex.toLowerCase();
  if (hex.length !== len || !/^[0-9a-f]+$/.test(hex)) {
    throw new ParadropError('FIELD_INVALID', `file ${quote(fileName)}: ${hash.algorithm} hash ${quote(hash.hex)} is not ${len} hex digits`,
      { path: `files.${fileName}.hash`, value: hash.hex, expected: `${len} hex digits` });
  }
  return { algorithm: hash.algorithm, hex };
}

export function newHasher(hash: FileHash): Hash {
  return createHash(hash.algorithm);
}

/** `sha1:0123…`, the form used in messages and cache keys. */
export function formatHash(hash: FileHash): string {
  return `${hash.algorithm}:${hash.hex}`;
}
