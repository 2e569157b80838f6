// Collects the compiler's problems so that one compile reports every conflict at once (house
// style: validation throws once, with the whole list). Each problem's message is a full sentence
// naming the field, the value and what was expected, and for a conflict both parties.
import { type ErrorCode, type Problem, ValidationError } from '../errors.js';

export class ProblemList {
  readonly items: Problem[] = [];

  add(code: ErrorCode, path: string, message: string, value?: unknown, expected?: string): void {
    const p: Problem = { code, path, message };
    if (value !== undefined) p.value = value;
    if (expected !== undefined) p.expected = expected;
    this.items.push(p);
  }

  get empty(): boolean {
    return this.items.length === 0;
  }

  throwIfAny(subject: string): void {
    if (this.items.length > 0) throw new ValidationError(subject, this.items);
  }
}

/** `'seccam'`: how messages quote names and values. */
export function q(value: string | number): string {
  return `'${String(value)}'`;
}
