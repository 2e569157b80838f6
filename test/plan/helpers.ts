// Assertions shared by the compiler tests.
import type { ExecutionContext } from 'ava';
import { ValidationError, type Problem } from '../../src/errors.js';

/** Runs `fn`, expects a ValidationError, returns its problems. */
export function problemsOf(t: ExecutionContext, fn: () => unknown): readonly Problem[] {
  const err = t.throws(fn, { instanceOf: ValidationError });
  return err?.problems ?? [];
}

/** The problems of `code`; fails the test when there is none. */
export function withCode(t: ExecutionContext, problems: readonly Problem[], code: string): Problem[] {
  const found = problems.filter((p) => p.code === code);
  t.true(found.length > 0, `expected a ${code} problem, got: ${problems.map((p) => `${p.code}: ${p.message}`).join(' | ')}`);
  return found;
}

/** Every permutation of `xs` (small arrays only). */
export function permutations<T>(xs: readonly T[]): T[][] {
  if (xs.length <= 1) return [[...xs]];
  return xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((rest) => [x, ...rest]));
}

/** Deterministic PRNG (mulberry32) for randomised tests: same seed, same run. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
