// Reads a gateway profile file: the only file of src/plan that does I/O. The text is JSON, read
// leniently (comments, single quotes, trailing commas) like chute files; parseProfile() merges it
// over the default profile and checks it. Used by `paradrop render --profile FILE`.
import { readFile } from 'node:fs/promises';
import JSON5 from 'json5';
import { ParadropError } from '../errors.js';
import { parseProfile } from './profile.js';
import type { GatewayProfile } from './types.js';

export async function loadProfile(path: string, label = path): Promise<GatewayProfile> {
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new ParadropError('IO_ERROR', `cannot read gateway profile ${label}: ${err.code ?? err.message}`,
      { path: label, cause: err, expected: 'a readable JSON file' });
  });
  let json: unknown;
  try {
    json = JSON5.parse(text);
  } catch (err) {
    const e = err as SyntaxError & { lineNumber?: number; columnNumber?: number };
    const at = e.lineNumber === undefined ? '' : ` at line ${e.lineNumber}, column ${e.columnNumber ?? 0}`;
    throw new ParadropError('JSON_SYNTAX', `gateway profile ${label}${at}: ${e.message.replace(/^JSON5: /, '')}`,
      { path: label, cause: err, expected: 'JSON' });
  }
  return parseProfile(json);
}
