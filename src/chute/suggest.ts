// Did-you-mean for misspelt field names and macros. Pure. Distance is the optimal-string-alignment
// variant of Damerau-Levenshtein (a swap of two neighbours costs 1), compared case-insensitively so
// that `intfname` finds `intfName`; a suggestion is only offered when it is close enough to be a typo
// rather than a different word.

/** Edit distance with adjacent transpositions (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const m = a.length;
  const n = b.length;
  // Three rolling rows: the transposition step looks two rows back.
  let prev2 = new Array<number>(n + 1).fill(0);
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  let cur = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, prev2[j - 2]! + 1);
      }
      cur[j] = d;
    }
    [prev2, prev, cur] = [prev, cur, prev2];
  }
  return prev[n]!;
}

/**
 * The candidate closest to `word`, or undefined when none is plausibly meant. Ties go to the
 * earlier candidate, so callers list candidates in their preferred order.
 */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  // Very long inputs are not typos of short names; skip the quadratic work on hostile input.
  if (word.length > 64) return undefined;
  const w = word.toLowerCase();
  // A quarter of the word: long names share prefixes (`@net.host.`) that make distances look small.
  const limit = Math.max(1, Math.floor(w.length / 4));
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d <= limit && d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

/** ` (did you mean "x"?)` or the empty string: ready to append to a message. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const s = suggest(word, candidates);
  return s === undefined ? '' : ` (did you mean ${JSON.stringify(s)}?)`;
}
