// The file-system UciStore: config files in a config directory (/etc/config), delta files in a
// save directory (/tmp/.uci), optional read-only delta directories (`uci -p`).
// Config files are replaced atomically like libuci's commit: write `.<pkg>.uci-XXXXXX` beside
// the real file (symlinks resolved), fsync, give it the old file's mode (0600 for a new file),
// rename over it, fsync the directory.
// Not done: libuci's advisory flock() on the config and delta files (Node has no flock without a
// native addon). Concurrent writers are therefore not serialised against a running `uci`.
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
import type { UciStore } from './store.js';

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

function readOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if (isMissing(err)) return null;
    throw ioError('read', path, err);
  }
}

/** Replaces `path` atomically (tmp + fsync + rename + directory fsync), keeping its mode. */
export function writeFileAtomic(path: string, text: string, defaultMode = 0o600): void {
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
      const buf = Buffer.from(text, 'utf8');
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

  constructor(opts: FsStoreOptions = {}) {
    this.confDir = opts.confDir ?? '/etc/config';
    this.saveDir = opts.saveDir ?? '/tmp/.uci';
    this.deltaDirs = opts.deltaDirs ?? [];
  }

  readConfig(pkg: string): string | null {
    return readOrNull(join(this.confDir, pkg));
  }

  writeConfig(pkg: string, text: string): void {
    writeFileAtomic(join(this.confDir, pkg), text);
  }

  readDelta(pkg: string): string | null {
    return readOrNull(join(this.saveDir, pkg));
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

  appendDelta(pkg: string, text: string): void {
    this.ensureSaveDir();
    const path = join(this.saveDir, pkg);
    try {
      appendFileSync(path, text, { mode: 0o600 });
    } catch (err) {
      throw ioError('append to', path, err);
    }
  }

  writeDelta(pkg: string, text: string): void {
    this.ensureSaveDir();
    const path = join(this.saveDir, pkg);
    try {
      writeFileSync(path, text, { mode: 0o600 });
    } catch (err) {
      throw ioError('write', path, err);
    }
  }

  listPackages(): string[] {
    let names: string[];
    try {
      names = readdirSync(this.confDir);
    } catch (err) {
      if (isMissing(err)) return [];
      throw ioError('list', this.confDir, err);
    }
    return names
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

  readExtraDeltas(pkg: string): string[] {
    const out: string[] = [];
    for (const dir of this.deltaDirs) {
      if (dir === this.saveDir) continue;
      const text = readOrNull(join(dir, pkg));
      if (text !== null) out.push(text);
    }
    return out;
  }
}
