// Reads a gateway profile file: the only file of src/plan that does I/O. The text is JSON, read
// leniently (comments, single quotes, trailing commas) like chute files; parseProfile() merges it
// over the default profile and checks it. Used by `paradrop render --profile FILE`.
import { readFile } from 'node:fs/promises';
import { parseLenientText } from '../chute/json-lenient-parser.js';
import { ParadropError } from '../errors.js';
import { parseProfile } from './profile.js';
import type { GatewayProfile } from './types.js';

export async function loadProfile(path: string, label = path): Promise<GatewayProfile> {
  const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw new ParadropError('IO_ERROR', `cannot read gateway profile ${label}: ${err.code ?? err.message}`,
      { path: label, cause: err, expected: 'a readable JSON file' });
  });
  // The chutes' lenient reader, minus their duplicate-key check: a profile kept the last of a
  // repeated key before, and still does.
  const parsed = parseLenientText(text);
  if (!parsed.ok) {
    throw new ParadropError('JSON_SYNTAX', `gateway profile ${label} at line ${parsed.line}, column ${parsed.column}: ${parsed.reason}`,
      { path: label, value: { line: parsed.line, column: parsed.column }, expected: 'JSON' });
  }
  const json = parsed.value;
  return parseProfile(json);
}
