// Strict UTF-8 decoding of chute files. Pure. Node's 'utf8' decoding turns invalid bytes into
// U+FFFD without a word, so a Latin-1 SSID or a stray binary byte would reach UCI and dnsmasq as
// a different string than the user wrote; here the first invalid byte is reported by offset.
// Well-formedness follows RFC 3629 (no overlong forms, no surrogates, nothing past U+10FFFF).

export type Utf8Result = { ok: true; text: string } | { ok: false; offset: number; byte: number };

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function decodeUtf8(bytes: Uint8Array): Utf8Result {
  try {
    return { ok: true, text: strict.decode(bytes) };
  } catch {
    const offset = firstInvalidUtf8(bytes) ?? 0;
    return { ok: false, offset, byte: bytes[offset] ?? 0 };
  }
}

/** Offset of the first byte that does not start a well-formed sequence (its lead byte, not a later one). */
export function firstInvalidUtf8(bytes: Uint8Array): number | undefined {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) { i++; continue; }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) { need = 2; if (b === 0xe0) lo = 0xa0; if (b === 0xed) hi = 0x9f; }
    else if (b >= 0xf0 && b <= 0xf4) { need = 3; if (b === 0xf0) lo = 0x90; if (b === 0xf4) hi = 0x8f; }
    else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i;
      if (c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return undefined;
}
