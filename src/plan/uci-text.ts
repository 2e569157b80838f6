// Building UCI sections, and writing paradrop's sections of one package in `uci export` format:
// `package <p>`, then a blank line before each section, one blank line after the last. The
// sections themselves are written by src/uci's serializeSection (values single-quoted, `'` as
// `'\''`), so the compiler's text and the UCI codec's can never disagree.
import { serializeSection } from '../uci/export.js';
import type { UciOption, UciSectionSpec } from '../uci/model.js';

export function opt(name: string, value: string | number): UciOption {
  return { name, value: String(value) };
}

export function list(name: string, values: readonly string[]): UciOption {
  return { name, value: [...values] };
}

export function section(type: string, name: string, options: UciOption[]): UciSectionSpec {
  return { type, name, options };
}

export function exportPackage(pkg: string, sections: readonly UciSectionSpec[]): string {
  return `package ${pkg}\n${sections.map((s) => `\n${serializeSection(s)}`).join('')}\n`;
}
