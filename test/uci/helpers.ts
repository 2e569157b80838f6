// Shared by the UCI tests: a seeded generator of realistic, oddly formatted UCI files and of
// paradrop section specs (deterministic: the same seed gives the same files on every run).
import type { UciSectionSpec } from '../../src/uci/model.js';

export const isPd = (s: { name: string }): boolean => s.name.startsWith('pd_');

/** mulberry32: a tiny seeded PRNG. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Gen {
  private readonly r: () => number;
  constructor(seed: number) {
    this.r = rng(seed);
  }
  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.r() < p;
  }

  value(): string {
    return this.pick(['1', 'wan', 'lan', '10.0.0.1', 'it\'s', 'a b', 'x#y', 'semi;colon', 'back\\slash', 'two\nlines', 'tab\there', '"dq"', 'café', '']);
  }

  /** A value written the way a user might: bare, single-, double-quoted. */
  private writeValue(v: string): string {
    const bare = /^[A-Za-z0-9._:/-]+$/.test(v);
    const style = this.int(3);
    if (bare && style === 0) return v;
    if (style === 1 && !/["\\\n]/.test(v)) return `"${v}"`;
    return `'${v.replaceAll("'", "'\\''")}'`;
  }

  /** A user's (not owned) section with odd but valid formatting. */
  userSection(i: number): string {
    const type = this.pick(['interface', 'rule', 'zone', 'wifi-iface', 'device']);
    const indent = this.pick(['\t', '  ', '    ', '\t\t', '']);
    const head = this.chance(0.5)
      ? `config ${type} '${this.pick(['lan', 'wan', 'guest', 'home'])}${i}'`
      : this.chance(0.5) ? `config ${type}` : `config\t${type}   # anonymous`;
    const lines = [head];
    const n = this.int(4);
    for (let k = 0; k < n; k++) {
      const v = this.value();
      if (v === '') continue;
      const kw = this.chance(0.3) ? 'list' : 'option';
      lines.push(`${indent}${kw} o${this.int(3)} ${this.writeValue(v)}${this.chance(0.2) ? '   ' : ''}${this.chance(0.2) ? ' # note' : ''}`);
      if (this.chance(0.15)) lines.push(`${indent}# a comment inside`);
    }
    return lines.join('\n');
  }

  /** A whole file without owned sections. */
  file(): string {
    const parts: string[] = [];
    if (this.chance(0.3)) parts.push(this.pick(['# generated', "package 'test'", '# header\n# two lines']));
    const n = this.int(5);
    for (let i = 0; i < n; i++) {
      const sep = this.pick(['', '\n', '\n\n', '\n# about the next one\n', '\n   \n']);
      parts.push(sep + this.userSection(i));
    }
    let text = parts.join('\n');
    const end = this.pick(['', '\n', '\n\n', '\n\n\n', ' ', '\n# trailing comment', '\n# trailing comment\n']);
    text += end;
    if (this.chance(0.25)) text = text.replaceAll('\n', '\r\n');
    return text;
  }

  specs(): UciSectionSpec[] {
    const n = 1 + this.int(4);
    const out: UciSectionSpec[] = [];
    const names = new Set<string>();
    for (let i = 0; i < n; i++) {
      const name = `pd_${this.pick(['cam', 'env', 'web'])}_${this.int(5)}`;
      if (names.has(name)) continue;
      names.add(name);
      const options = [];
      const m = this.int(5);
      const seen = new Set<string>();
      for (let k = 0; k < m; k++) {
        const on = `p${this.int(6)}`;
        if (seen.has(on)) continue;
        seen.add(on);
        options.push(this.chance(0.3)
          ? { name: on, value: [this.value(), this.value()].filter((v) => v !== '' || this.chance(0.5)) }
          : { name: on, value: this.value() || 'x' });
      }
      out.push({ type: this.pick(['interface', 'zone', 'redirect', 'wifi-iface']), name, options });
    }
    return out;
  }
}
