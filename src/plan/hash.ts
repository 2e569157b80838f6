// FNV-1a, 32 bits, over the UTF-8 bytes of a string. The compiler's only hash: it picks preferred
// slots and pool subnets, so it must never change (a new hash would move every chute that has no
// recorded slot). Chosen because it is tiny, well known and has no dependency.

const encoder = new TextEncoder();

export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of encoder.encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
