// Reads a chute from disk: the only file of src/chute that does I/O. Two layouts:
//  - a directory holding the chapter's part files Chute.struct, Chute.files, Chute.resource,
//    Chute.runtime, Chute.traffic (also spelt chute.struct...; each the JSON of that part, outer
//    braces optional) and optionally a chute.json. chute.json gives name, version, description and
//    owner (it may hold parts too, but not one that also has a file). Without a name the chute is
//    named after the directory; without a version it is "0.0.0" (both reported as notes).
//    Chute.struct is required; files, runtime and traffic default to [], resource to the gateway's
//    DEFAULT cpu and memory. Relative file locations resolve against the directory.
//  - one JSON file holding {name, version, description, owner, struct, files, resource, runtime,
//    traffic}; relative locations resolve against the file's directory.
// Only regular files are read (a FIFO would block, /dev/zero never ends), at most MAX_PART_BYTES
// each, counted while reading; the bytes must be UTF-8. Every file-level problem (not regular,
// too large, not UTF-8, a syntax error, each duplicate key) is collected, the parts whose file
// is broken are left out of validation (parse.ts, opts.broken), and everything comes out in one
// ValidationError: file problems first, then the chute's. A lone file problem is thrown as its
// own ParadropError (JSON_SYNTAX...). A file-level problem's `path` is the file's label (the
// input as typed, "/", the file name), and its message starts with it.
// I/O failures (permission denied...) throw IO_ERROR at once.
import { constants, type Stats } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Chute } from './types.js';
import { ParadropError, type Problem, ValidationError } from '../errors.js';
import { type Shape, problemsError, readLenientJson } from './lenient-json.js';
import { decodeUtf8 } from './utf8.js';
import { PARTS, type PartName, parseChuteWithNotes } from './parse.js';
import { isObject } from './check.js';
import { didYouMean } from './suggest.js';

/** A part is a few kB; a bigger file is a mistake (or an attack), not a chute. */
export const MAX_PART_BYTES = 1024 * 1024;

const SHAPE: Record<PartName, Shape> = { struct: 'object', files: 'array', resource: 'object', runtime: 'array', traffic: 'array' };
const META_FILE = 'chute.json';
const PART_FILES = PARTS.map((p) => `Chute.${p}`);

export interface ChuteSource {
  kind: 'directory' | 'file';
  /** Absolute path of the directory or file. */
  path: string;
  /** Absolute directory that relative file locations were resolved against. */
  baseDir: string;
  /** Absolute paths of the files read, in reading order. */
  files: string[];
  /** Defaults taken and spellings accepted: worth telling the user, not errors. */
  notes: string[];
}

export interface LoadOptions {
  /** How to name the input in messages (the path as the user typed it); default: the path. */
  label?: string;
}

export interface LoadedChute {
  chute: Chute;
  source: ChuteSource;
}

/** Used by `paradrop validate` and `paradrop render`. */
export async function loadChute(pathToDirOrFile: string, opts: LoadOptions = {}): Promise<LoadedChute> {
  const path = resolve(pathToDirOrFile);
  const label = opts.label ?? pathToDirOrFile;
  const info = await stat(path).catch((err: NodeJS.ErrnoException) => {
    throw ioError(err, label, 'chute directory or file');
  });
  return info.isDirectory() ? loadDirectory(path, label) : loadFile(path, label);
}

async function loadFile(path: string, label: string): Promise<LoadedChute> {
  const r = await readJson(path, label, 'object');
  if (!r.ok) throw problemsError(label, r.problems);
  const baseDir = dirname(path);
  const parsed = parseOrThrow(r.value, baseDir, label, { files: [], dir: [] }, []);
  return { chute: parsed.chute, source: { kind: 'file', path, baseDir, files: [path], notes: [...r.notes, ...parsed.notes] } };
}

/** `label/name`, not normalized, so that the input as typed starts every file label. */
function fileLabel(label: string, name: string): string {
  return `${label.replace(/\/+$/, '') || '/'}/${name}`.replace(/^\/\//, '/');
}

async function loadDirectory(dir: string, label: string): Promise<LoadedChute> {
  const entries = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    throw ioError(err, label, 'chute directory');
  });
  const problems: Problem[] = [];
  /** Syntax, size, encoding: reported before the directory's and the chute's problems. */
  const fileProblems: Problem[] = [];
  const broken: Array<PartName | 'meta'> = [];
  const notes: string[] = [];
  const files: string[] = [];
  const raw: Record<string, unknown> = {};

  if (entries.includes(META_FILE)) {
    const file = join(dir, META_FILE);
    const r = await readJson(file, fileLabel(label, META_FILE), 'object');
    files.push(file);
    if (!r.ok) {
      fileProblems.push(...r.problems);
      broken.push('meta');
    } else {
      notes.push(...r.notes);
      const meta = r.value;
      if (!isObject(meta)) {
        problems.push({ code: 'FIELD_INVALID', path: META_FILE, message: `${META_FILE}: must be an object with name, version, description, owner`, expected: 'an object' });
      } else {
        for (const key of Object.keys(meta)) Object.defineProperty(raw, key, { value: meta[key], enumerable: true, writable: true, configurable: true });
      }
    }
  }

  for (const entry of entries) {
    if (!/^chute\./i.test(entry) || entry === META_FILE) continue;
    const part = PARTS.find((p) => entry === `Chute.${p}` || entry === `chute.${p}`);
    if (part === undefined) {
      problems.push({ code: 'FIELD_UNKNOWN', path: entry, value: entry, expected: [...PART_FILES, META_FILE].join(', '),
        message: `${entry}: not a chute part file${didYouMean(entry, PART_FILES)} (expected ${PART_FILES.join(', ')} or ${META_FILE})` });
    }
  }
  for (const part of PARTS) {
    const names = [`Chute.${part}`, `chute.${part}`].filter((n) => entries.includes(n));
    if (names.length === 0) continue;
    if (names.length > 1) {
      problems.push({ code: 'FIELD_INVALID', path: part, message: `${part}: both ${names.join(' and ')} exist; keep one`, expected: 'one file per part' });
      continue;
    }
    const file = join(dir, names[0]!);
    const partLabel = fileLabel(label, names[0]!);
    const r = await readJson(file, partLabel, SHAPE[part]);
    files.push(file);
    if (!r.ok) {
      fileProblems.push(...r.problems);
      broken.push(part);
      continue;
    }
    notes.push(...r.notes);
    let value = r.value;
    if (SHAPE[part] === 'array' && isObject(value)) {
      value = [value];
      notes.push(`${partLabel}: one ${part === 'files' ? 'file' : 'entry'} without [ ]: read as a list of one`);
    }
    if (Object.hasOwn(raw, part)) {
      problems.push({ code: 'FIELD_INVALID', path: part, message: `${part}: given both in ${META_FILE} and in ${names[0]}; keep one`, expected: 'one definition per part' });
      continue;
    }
    raw[part] = value;
  }
  if (!Object.hasOwn(raw, 'name') && !broken.includes('meta')) {
    raw.name = basename(dir);
    notes.push(`no name in ${META_FILE}: the chute is named after its directory, ${JSON.stringify(basename(dir))}`);
  }
  const parsed = parseOrThrow(raw, dir, label, { files: fileProblems, dir: problems }, broken);
  return { chute: parsed.chute, source: { kind: 'directory', path: dir, baseDir: dir, files, notes: [...notes, ...parsed.notes] } };
}

/**
 * Parses; problems found while reading come first (files', then the directory's), then the
 * parser's, in one ValidationError. A lone file problem is thrown as its own ParadropError.
 */
function parseOrThrow(raw: unknown, baseDir: string, label: string, found: { files: Problem[]; dir: Problem[] },
  broken: ReadonlyArray<PartName | 'meta'>): { chute: Chute; notes: string[] } {
  const loadProblems = [...found.files, ...found.dir];
  let parsed: { chute: Chute; notes: string[] };
  try {
    parsed = parseChuteWithNotes(raw, { baseDir, subject: label, broken });
  } catch (err) {
    if (err instanceof ValidationError && loadProblems.length > 0) {
      throw new ValidationError(label, [...loadProblems, ...err.problems]);
    }
    throw err;
  }
  if (found.files.length === 1 && found.dir.length === 0) throw problemsError(label, found.files);
  if (loadProblems.length > 0) throw new ValidationError(label, loadProblems);
  return parsed;
}

type JsonRead = { ok: true; value: unknown; notes: string[] } | { ok: false; problems: Problem[] };

async function readJson(file: string, label: string, shape: Shape): Promise<JsonRead> {
  const r = await readRegularFile(file, label, MAX_PART_BYTES);
  if (!r.ok) return r;
  const text = decodeUtf8(r.bytes);
  if (!text.ok) {
    const hex = `0x${text.byte.toString(16).padStart(2, '0')}`;
    return { ok: false, problems: [{ code: 'JSON_SYNTAX', path: label, value: { offset: text.offset },
      message: `${label}: byte ${hex} at offset ${text.offset} is not UTF-8 (expected UTF-8 text)`, expected: 'UTF-8 text' }] };
  }
  return readLenientJson(text.text, label, shape);
}

const KIND: Array<[(s: Stats) => boolean, string]> = [
  [(s) => s.isDirectory(), 'a directory'], [(s) => s.isFIFO(), 'a FIFO'], [(s) => s.isCharacterDevice(), 'a character device'],
  [(s) => s.isBlockDevice(), 'a block device'], [(s) => s.isSocket(), 'a socket'],
];

/**
 * The bytes of a regular file, at most `cap` (at most cap + 1 are ever read). Opened non-blocking
 * so that a FIFO put in place after a check cannot hang the open; the type is checked on the open
 * descriptor. Problems name the file by `label`.
 */
export async function readRegularFile(file: string, label: string, cap: number):
  Promise<{ ok: true; bytes: Buffer } | { ok: false; problems: Problem[] }> {
  const handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK).catch((err: NodeJS.ErrnoException) => {
    throw ioError(err, label, 'file');
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) {
      const kind = KIND.find(([is]) => is(info))?.[1] ?? 'not a regular file';
      return { ok: false, problems: [{ code: 'FIELD_INVALID', path: label, value: kind, expected: 'a regular file',
        message: `${label}: is ${kind}, not a regular file (expected a JSON file)` }] };
    }
    const tooLarge = (size: string, value: number): Problem => ({ code: 'FIELD_INVALID', path: label, value,
      expected: `at most ${cap} bytes`, message: `${label}: is ${size} bytes; a chute file holds at most ${cap}` });
    if (info.size > cap) return { ok: false, problems: [tooLarge(String(info.size), info.size)] };
    // The size may lie (/proc) or change while reading: the cap holds for what is read.
    const buffer = Buffer.alloc(cap + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > cap) return { ok: false, problems: [tooLarge(`more than ${cap}`, length)] };
    return { ok: true, bytes: buffer.subarray(0, length) };
  } catch (err) {
    if (err instanceof ParadropError) throw err;
    throw ioError(err as NodeJS.ErrnoException, label, 'file');
  } finally {
    await handle.close();
  }
}

function ioError(err: NodeJS.ErrnoException, label: string, what: string): ParadropError {
  if (err.code === 'ENOENT' || err.code === 'ENOTDIR') {
    return new ParadropError('CHUTE_NOT_FOUND', `${label}: no such ${what}`, { path: label, cause: err, expected: `a ${what}` });
  }
  return new ParadropError('IO_ERROR', `${label}: cannot read (${err.code ?? err.message})`, { path: label, cause: err });
}
