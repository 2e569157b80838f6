// Loads the captured ubus vectors (../shared/vectors/ubus) at run time. Missing vectors are an
// error, never a reason to skip: the conformance tests exist to compare against them.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { type BlobmsgField } from '../../src/ubus/blobmsg.js';

export const VECTORS_DIR = resolve(process.cwd(), '../shared/vectors');

function readJson(path: string): unknown {
  if (!existsSync(path)) {
    throw new Error(`ubus conformance vectors missing: ${path} (expected ../shared/vectors relative to the repo root ${process.cwd()})`);
  }
  return JSON.parse(readFileSync(path, 'utf8'));
}

export interface EncodeCase {
  name: string;
  json: string;
  accepted: boolean;
  hex?: string;
  blob_hex?: string;
  format_compact?: string;
  format_indent?: string;
  types?: TypedView[];
}
export interface DecodeCase {
  name: string;
  hex: string;
  note: string;
  format_compact: string;
  format_indent: string;
}
export interface TypedView {
  name: string;
  type: string;
  value: unknown;
}

export function loadBlobmsgVectors(): { encode: EncodeCase[]; decode: DecodeCase[] } {
  const data = readJson(resolve(VECTORS_DIR, 'ubus/blobmsg.json')) as { encode: EncodeCase[]; decode: DecodeCase[] };
  if (!Array.isArray(data.encode) || data.encode.length === 0) throw new Error('blobmsg.json has no encode cases');
  if (!Array.isArray(data.decode) || data.decode.length === 0) throw new Error('blobmsg.json has no decode cases');
  return data;
}

export interface ParsedAttr {
  id: number;
  name: string;
  len: number;
  value?: unknown;
  json?: unknown;
  typed?: TypedView[];
  hex?: string;
}
export interface Frame {
  index: number;
  conn: string;
  dir: 'client->ubusd' | 'ubusd->client';
  hex: string;
  decoded: string;
  parsed: { version: number; type: number; type_name: string; seq: number; peer: number; attrs: ParsedAttr[] };
}
export interface Command {
  conn: string;
  argv: string[];
  stdout: string;
  stderr: string;
  exit_code: number;
  background?: boolean;
}
export interface Session {
  name: string;
  description: string;
  acl_files: Record<string, unknown>;
  connections: Record<string, string>;
  commands: Command[];
  frames: Frame[];
}

export function loadSessions(): Session[] {
  const dir = resolve(VECTORS_DIR, 'ubus/sessions');
  if (!existsSync(dir)) throw new Error(`ubus session vectors missing: ${dir}`);
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  if (files.length === 0) throw new Error(`no session vectors in ${dir}`);
  return files.map((f) => readJson(resolve(dir, f)) as Session);
}

/** Our decoded fields in the vectors' `types`/`typed` shape. */
export function typedView(fields: readonly BlobmsgField[]): TypedView[] {
  return fields.map((f): TypedView => {
    const v = f.value;
    switch (v.type) {
      case 'unspec': return { name: f.name, type: 'unspec', value: null };
      case 'int8': return { name: f.name, type: 'int8/bool', value: v.value !== 0 };
      case 'int16': case 'int32': case 'double': case 'string': return { name: f.name, type: v.type, value: v.value };
      // JSON.parse of the vector file rounds big integers the same way Number() does.
      case 'int64': return { name: f.name, type: 'int64', value: Number(v.value) };
      case 'array': case 'table': return { name: f.name, type: v.type, value: typedView(v.children) };
      case 'invalid': return { name: f.name, type: 'invalid', value: null };
    }
  });
}

export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const unhex = (s: string): Buffer => Buffer.from(s, 'hex');
