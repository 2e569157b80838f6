// The file-system UciStore: config files in a config directory (/etc/config), delta files in a
// save directory (/tmp/.uci), optional read-only delta directories (`uci -p`); and the byte-exact
// readers/writers for config files that other code uses too (readConfigFile, writeConfigFile).
// Bytes: files are read as bytes and decoded by encoding.ts (UTF-8 when valid, else one char per
// byte); all files of one package are decoded alike and written back with the same encoding, so
// bytes that are not UTF-8 (a latin1 SSID) survive every edit and commit unchanged.
// Config files are replaced atomically like libuci's commit: write `.<pkg>.uci-XXXXXX` beside
// the real file (symlinks resolved), fsync, give it the old file's mode (0600 for a new file),
// rename over it, fsync the directory. A reader therefore sees the old or the new file, never
// a part of one.
// Locking: unlike libuci, no flock(2) is taken, neither on config files (shared while loading,
// exclusive during commit) nor on delta files. Node has no flock without a native addon, and
// paradrop depends on none. Consequence: a commit racing a running `uci` process is not
// serialised against it; the last rename wins and the loser's changes to that package are lost
// (the file itself is never torn). paradrop's own writers are serialised by its engine.
import {
  appendFileSync,
  closeSync,
  fchmodSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { ParadropError, quote } from '../errors.js';
import { isValidPackageName } from './names.js';
import { decodeConfigBytes, decodeTogether, encodeConfigText, type ConfigEncoding, type DecodedText } from './encoding.js';
import type { PackageTexts, UciStore } from './store.js';

export interface FsStoreOptions {
  /** Default /etc/config. */
  confDir?: string;
  /** Default /tmp/.uci. */
  saveDir?: string;
  /** Extra delta directories replayed before the save directory, in order. */
  deltaDirs?: string[];
}

function ioError(what: string, path: string, cause: unknown): ParadropError {
  const detail = (cause as NodeJS.ErrnoException)?.code ?? String(cause);
  return new ParadropError('IO_ERROR', `cannot ${what} ${quote(path)}: ${detail}`, { path, cause });
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR';
}

function readBytesOrNull(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch (err) {
    if (isMissing(err)) return null;
    throw ioError('read', path, err);
  }
}

/**
 * Reads a config file as text: UTF-8 when its bytes are valid UTF-8, else one char per byte
 * ('latin1'); null when it does not exist. Write it back with writeConfigFile and the same
 * encoding, and convert values from outside with toFileText(value, encoding) first.
 */
export function readConfigFile(path: string): DecodedText | null {
  const bytes = readBytesOrNull(path);
  return bytes === null ? null : decodeConfigBytes(bytes);
}

/**
 * Replaces a config file atomically (see writeFileAtomic) with `text` encoded as `encoding`
 * (what readConfigFile returned). Throws InternalError for a 'latin1' text holding chars above
 * U+00FF, i.e. an outside value that skipped toFileText.
 */
export function writeConfigFile(path: string, text: string, encoding: ConfigEncoding, defaultMode = 0o600): void {
  writeFileAtomic(path, encodeConfigText(text, encoding), defaultMode);
}

/**
 * Replaces `path` atomically (tmp + fsync + rename + directory fsync), keeping its mode
 * (`defaultMode` for a new file). A string is written as UTF-8, bytes as they are.
 */
export function writeFileAtomic(path: string, text: string | Uint8Array, defaultMode = 0o600): void {
  let target = path;
  try {
    target = realpathSync(path);
  } catch (err) {
    if (!isMissing(err)) throw ioError('resolve', path, err);
  }
  let mode = defaultMode;
  try {
    mode = statSync(target).mode & 0o7777;
  } catch (err) {
    if (!isMissing(err)) throw ioError('stat', target, err);
  }
  const dir = dirname(target);
  const tmp = join(dir, `.${basename(target)}.uci-${randomBytes(4).toString('hex')}`);
  try {
    const fd = openSync(tmp, 'wx', mode);
    try {
      const buf = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      fchmodSync(fd, mode);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // the temp file may not exist; the original error is what matters
    }
    throw ioError('write', target, err);
  }
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch (err) {
    throw ioError('sync directory', dir, err);
  }
}

export class FsUciStore implements UciStore {
  readonly confDir: string;
  readonly saveDir: string;
  readonly deltaDirs: string[];
  /** The encoding each package was last read with: the default for writing it. */
  private readonly encodings = new Map<string, ConfigEncoding>();

  constructor(opts: FsStoreOptions = {}) {
    this.confDir = opts.confDir ?? '/etc/config';
    this.saveDir = opts.saveDir ?? '/tmp/.uci';
    this.deltaDirs = opts.deltaDirs ?? [];
  }

  /** Config file, `-p` deltas and save-dir delta, decoded alike ('latin1' if any is not UTF-8). */
  readPackage(pkg: string): PackageTexts {
    const extraDirs = this.deltaDirs.filter((d) => d !== this.saveDir);
    const files = [join(this.confDir, pkg), ...extraDirs.map((d) => join(d, pkg)), join(this.saveDir, pkg)].map(readBytesOrNull);
    const { texts, encoding } = decodeTogether(files);
    this.encodings.set(pkg, encoding);
    return {
      config: texts[0]!,
      extraDeltas: texts.slice(1, -1).filter((t): t is string => t !== null),
      delta: texts[texts.length - 1]!,
      encoding,
    };
  }

  private encodingFor(pkg: string, encoding: ConfigEncoding | undefined): ConfigEncoding {
    return encoding ?? this.encodings.get(pkg) ?? 'utf8';
  }

  readConfig(pkg: string): string | null {
    return this.readPackage(pkg).config;
  }

  writeConfig(pkg: string, text: string, encoding?: ConfigEncoding): void {
    writeConfigFile(join(this.confDir, pkg), text, this.encodingFor(pkg, encoding));
  }

  readDelta(pkg: string): string | null {
    return this.readPackage(pkg).delta;
  }

  private ensureSaveDir(): void {
    let mode = 0o700;
    try {
      mode = statSync(this.confDir).mode & 0o777;
    } catch {
      // no config directory: keep 0700
    }
    try {
      mkdirSync(this.saveDir, { recursive: true, mode });
    } catch (err) {
      throw ioError('create', this.saveDir, err);
    }
  }

  appendDelta(pkg: string, text: string, encoding?: ConfigEncoding): void {
    this.ensureSaveDir();
    const path = join(this.saveDir, pkg);
    const bytes = encodeConfigText(text, this.encodingFor(pkg, encoding));
    try {
      appendFileSync(path, bytes, { mode: 0o600 });
    } catch (err) {
      throw ioError('append to', path, err);
    }
  }

  writeDelta(pkg: string, text: string, encoding?: ConfigEncoding): void {
    this.ensureSaveDir();
    const path = join(this.saveDir, pkg);
    const bytes = encodeConfigText(text, this.encodingFor(pkg, encoding));
    try {
      writeFileSync(path, bytes, { mode: 0o600 });
    } catch (err) {
      throw ioError('write', path, err);
    }
  }

  listPackages(): string[] {
    return this.configEntries()
      .filter((n) => isValidPackageName(n))
      .filter((n) => {
        try {
          return !statSync(join(this.confDir, n)).isDirectory();
        } catch {
          return false;
        }
      })
      .sort();
  }

  /** What uci's `<confdir>/*` glob sees: every entry not starting with a dot ([] if unreadable). */
  hasConfigEntries(): boolean {
    return this.configEntries().length > 0;
  }

  private configEntries(): string[] {
    try {
      return readdirSync(this.confDir).filter((n) => !n.startsWith('.'));
    } catch (err) {
      if (isMissing(err)) return [];
      throw ioError('list', this.confDir, err);
    }
  }

  readExtraDeltas(pkg: string): string[] {
    return this.readPackage(pkg).extraDeltas;
  }
}
