// Splits a runtime `args` string into words the way a POSIX shell tokenizes, without any expansion:
// blanks separate words; '...' is literal; "..." keeps blanks and honours \" \\ \$ \` and
// backslash-newline; outside quotes a backslash takes the next character literally. `$VAR`, `*`,
// `~` and backticks stay as typed, because programs run without a shell (no injection through args).

export type WordsResult = { ok: true; words: string[] } | { ok: false; reason: string };

const DQ_ESCAPABLE = new Set(['"', '\\', '$', '`', '\n']);

export function splitShellWords(text: string): WordsResult {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return { ok: false, reason: `the single quote at character ${i + 1} is never closed` };
      word += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      const start = i;
      i++;
      for (;;) {
        if (i >= text.length) return { ok: false, reason: `the double quote at character ${start + 1} is never closed` };
        const d = text[i]!;
        if (d === '"') break;
        if (d === '\\' && i + 1 < text.length && DQ_ESCAPABLE.has(text[i + 1]!)) {
          if (text[i + 1] !== '\n') word += text[i + 1];
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      inWord = true;
      i++;
    } else if (c === '\\') {
      if (i + 1 >= text.length) return { ok: false, reason: 'it ends with a lone backslash' };
      if (text[i + 1] !== '\n') {
        word += text[i + 1];
        inWord = true;
      }
      i += 2;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return { ok: true, words };
}
