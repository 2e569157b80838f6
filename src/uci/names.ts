// Character classes of UCI identifiers and the generated names of anonymous sections, exactly as
// libuci checks them (C locale: only ASCII letters and digits are "alphanumeric").
// Invariant: every predicate rejects the empty string.

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Section and option names: ASCII letters, digits and `_`. */
export function isValidName(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isAlnum(c) && c !== 95) return false;
  }
  return true;
}

/** Section types: any printable ASCII except space (bytes 33-126). */
export function isValidType(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 33 || c > 126) return false;
  }
  return true;
}

/** Package names (= file names): letters, digits, `_` and `-`. */
export function isValidPackageName(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isAlnum(c) && c !== 95 && c !== 45) return false;
  }
  return true;
}

/** Values given on the command line or in a delta: no control characters but TAB, LF and CR. */
export function isValidText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 && c !== 9 && c !== 10 && c !== 13) return false;
  }
  return true;
}

/** Bernstein hash over the UTF-8 bytes of `s`, 32-bit unsigned wrap-around. */
export function djbHash(s: string): number {
  let h = 5381;
  const bytes = /^[\x00-\x7f]*$/.test(s) ? null : new TextEncoder().encode(s);
  const n = bytes ? bytes.length : s.length;
  for (let i = 0; i < n; i++) {
    const b = bytes ? bytes[i]! : s.charCodeAt(i);
    // libuci hashes a C `char`: bytes >= 128 are sign-extended (types never contain them, but
    // names passed through `uci add` are not our problem to reinterpret).
    const c = b >= 128 ? b - 256 : b;
    h = (Math.imul(h, 33) + c) >>> 0;
  }
  return h;
}

/**
 * The internal name libuci gives the anonymous section created as number `counter` of its
 * package (`cfg` + counter in hex, at least 2 digits + hash of the type in 4 hex digits).
 */
export function anonymousName(counter: number, type: string): string {
  const hash = (djbHash(type) & 0x7fffffff) % 65536;
  return `cfg${counter.toString(16).padStart(2, '0')}${hash.toString(16).padStart(4, '0')}`;
}
