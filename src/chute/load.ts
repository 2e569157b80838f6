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
// Syntax errors throw ParadropError JSON_SYNTAX naming file, line and column; everything else is
// gathered into one ValidationError.
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Chute } from './types.js';
import { ParadropError, type Problem, ValidationError } from '../errors.js';
import { type Shape, parseLenientJson } from './lenient-json.js';
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
  const { value, notes } = await readJson(path, label, 'object');
  const baseDir = dirname(path);
  const parsed = parseOrThrow(value, baseDir, label, []);
  return { chute: parsed.chute, source: { kind: 'file', path, baseDir, files: [path], notes: [...notes, ...parsed.notes] } };
}

async function loadDirectory(dir: string, label: string): Promise<LoadedChute> {
  const entries = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    throw ioError(err, label, 'chute directory');
  });
  const problems: Problem[] = [];
  const notes: string[] = [];
  const files: string[] = [];
  const raw: Record<string, unknown> = {};

  if (entries.includes(META_FILE)) {
    const file = join(dir, META_FILE);
    const r = await readJson(file, join(label, META_FILE), 'object');
    files.push(file);
    notes.push(...r.notes);
    if (!isObject(r.value)) {
      problems.push({ code: 'FIELD_INVALID', path: META_FILE, message: `${META_FILE}: must be an object with name, version, description, owner`, expected: 'an object' });
    } else {
      for (const key of Object.keys(r.value)) Object.defineProperty(raw, key, { value: r.value[key], enumerable: true, writable: true, configurable: true });
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
    const r = await readJson(file, join(label, names[0]!), SHAPE[part]);
    files.push(file);
    notes.push(...r.notes);
    let value = r.value;
    if (SHAPE[part] === 'array' && isObject(value)) {
      value = [value];
      notes.push(`${join(label, names[0]!)}: one ${part === 'files' ? 'file' : 'entry'} without [ ]: read as a list of one`);
    }
    if (Object.hasOwn(raw, part)) {
      problems.push({ code: 'FIELD_INVALID', path: part, message: `${part}: given both in ${META_FILE} and in ${names[0]}; keep one`, expected: 'one definition per part' });
      continue;
    }
    raw[part] = value;
  }
  if (!Object.hasOwn(raw, 'name')) {
    raw.name = basename(dir);
    notes.push(`no name in ${META_FILE}: the chute is named after its directory, ${JSON.stringify(basename(dir))}`);
  }
  const parsed = parseOrThrow(raw, dir, label, problems);
  return { chute: parsed.chute, source: { kind: 'directory', path: dir, baseDir: dir, files, notes: [...notes, ...parsed.notes] } };
}

/** Parses; problems found while reading come first, then the parser's, in one ValidationError. */
function parseOrThrow(raw: unknown, baseDir: string, label: string, loadProblems: Problem[]): { chute: Chute; notes: string[] } {
  let parsed: { chute: Chute; notes: string[] };
  try {
    parsed = parseChuteWithNotes(raw, { baseDir, subject: label });
  } catch (err) {
    if (err instanceof ValidationError && loadProblems.length > 0) {
      throw new ValidationError(label, [...loadProblems, ...err.problems]);
    }
    throw err;
  }
  if (loadProblems.length > 0) throw new ValidationError(label, loadProblems);
  return parsed;
}

async function readJson(file: string, label: string, shape: Shape): Promise<{ value: unknown; notes: string[] }> {
  const info = await stat(file).catch((err: NodeJS.ErrnoException) => {
    throw ioError(err, label, 'file');
  });
  if (info.size > MAX_PART_BYTES) {
    throw new ParadropError('FIELD_INVALID', `${label}: is ${info.size} bytes; a chute file holds at most ${MAX_PART_BYTES}`, {
      path: label, value: info.size, expected: `at most ${MAX_PART_BYTES} bytes`,
    });
  }
  const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    throw ioError(err, label, 'file');
  });
  return parseLenientJson(text, label, shape);
}

function ioError(err: NodeJS.ErrnoException, label: string, what: string): ParadropError {
  if (err.code === 'ENOENT' || err.code === 'ENOTDIR') {
    return new ParadropError('CHUTE_NOT_FOUND', `${label}: no such ${what}`, { path: label, cause: err, expected: `a ${what}` });
  }
  return new ParadropError('IO_ERROR', `${label}: cannot read (${err.code ?? err.message})`, { path: label, cause: err });
}
