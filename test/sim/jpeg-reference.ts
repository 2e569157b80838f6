// Test helper: an independent baseline JPEG decoder, to check the simulated camera's encoder and
// SecCam's own decoder against something that shares no code with them. Written for clarity, not
// speed: Huffman codes are looked up as bit strings, the IDCT is the textbook double sum
// (T.81 A.3.3), chroma is upsampled by repetition, colour converted with the JFIF equations.
// It rejects what it does not understand rather than guessing: that is the point of the check.

export interface DecodedJpeg {
  width: number;
  height: number;
  components: number;
  /** width*height*3, row-major RGB (gray repeated for one component). */
  rgb: Uint8Array;
  /** width*height luma (component 1). */
  luma: Uint8Array;
  /** Bytes of entropy data left unread before EOI (0 for a well-formed file). */
  trailingBytes: number;
}

interface Component { id: number; h: number; v: number; tq: number; blocksX: number; blocksY: number; plane: Float64Array }
type Huffman = Map<string, number>;

function fail(msg: string): never {
  throw new Error(`jpeg-reference: ${msg}`);
}

function huffman(counts: Uint8Array, symbols: Uint8Array): Huffman {
  const map: Huffman = new Map();
  let code = 0;
  let i = 0;
  for (let len = 1; len <= 16; len++) {
    for (let n = 0; n < counts[len - 1]!; n++) {
      if (code >= 1 << len) fail('Huffman table overflows its code space');
      map.set(code.toString(2).padStart(len, '0'), symbols[i++]!);
      code++;
    }
    code *= 2;
  }
  return map;
}

// zigzag position -> (row, column), by walking the anti-diagonals.
const ZZ: Array<[number, number]> = [];
for (let s = 0; s <= 14; s++) {
  const diag: Array<[number, number]> = [];
  for (let r = 0; r <= 7; r++) if (s - r >= 0 && s - r <= 7) diag.push([r, s - r]);
  if (s % 2 === 0) diag.reverse(); // even sums go from bottom-left to top-right
  ZZ.push(...diag);
}

function idct(coef: number[][]): number[][] {
  const out: number[][] = [];
  const c = (k: number) => (k === 0 ? 1 / Math.sqrt(2) : 1);
  for (let y = 0; y < 8; y++) {
    out.push([]);
    for (let x = 0; x < 8; x++) {
      let sum = 0;
      for (let v = 0; v < 8; v++) {
        for (let u = 0; u < 8; u++) {
          sum += c(u) * c(v) * coef[v]![u]! * Math.cos(((2 * x + 1) * u * Math.PI) / 16) * Math.cos(((2 * y + 1) * v * Math.PI) / 16);
        }
      }
      out[y]!.push(sum / 4 + 128);
    }
  }
  return out;
}

export function decodeReference(data: Uint8Array): DecodedJpeg {
  const u16 = (p: number) => (data[p]! << 8) | data[p + 1]!;
  if (u16(0) !== 0xffd8) fail('no SOI');
  const quant: Array<number[] | undefined> = [];
  const dcTables: Array<Huffman | undefined> = [];
  const acTables: Array<Huffman | undefined> = [];
  let comps: Component[] = [];
  let width = 0;
  let height = 0;
  let hmax = 1;
  let vmax = 1;
  let restartInterval = 0;
  let trailingBytes = -1;
  let p = 2;
  for (;;) {
    if (data[p] !== 0xff) fail(`expected a marker at byte ${p}`);
    const marker = data[p + 1]!;
    if (marker === 0xd9) break;
    const len = u16(p + 2);
    const body = data.subarray(p + 4, p + 2 + len);
    p += 2 + len;
    if (marker === 0xdb) {
      for (let q = 0; q < body.length; q += 65) {
        if (body[q]! >> 4 !== 0) fail('16-bit quantisation table');
        quant[body[q]! & 15] = Array.from(body.subarray(q + 1, q + 65));
      }
    } else if (marker === 0xc4) {
      for (let q = 0; q < body.length;) {
        const counts = body.subarray(q + 1, q + 17);
        const n = counts.reduce((a, b) => a + b, 0);
        const table = huffman(counts, body.subarray(q + 17, q + 17 + n));
        if (body[q]! >> 4 === 0) dcTables[body[q]! & 15] = table;
        else acTables[body[q]! & 15] = table;
        q += 17 + n;
      }
    } else if (marker === 0xc0) {
      if (body[0] !== 8) fail('not 8-bit');
      height = (body[1]! << 8) | body[2]!;
      width = (body[3]! << 8) | body[4]!;
      for (let i = 0; i < body[5]!; i++) {
        const b = body.subarray(6 + 3 * i, 9 + 3 * i);
        comps.push({ id: b[0]!, h: b[1]! >> 4, v: b[1]! & 15, tq: b[2]!, blocksX: 0, blocksY: 0, plane: new Float64Array(0) });
      }
      hmax = Math.max(...comps.map((c) => c.h));
      vmax = Math.max(...comps.map((c) => c.v));
      const mcusX = Math.ceil(width / (8 * hmax));
      const mcusY = Math.ceil(height / (8 * vmax));
      comps = comps.map((c) => ({ ...c, blocksX: mcusX * c.h, blocksY: mcusY * c.v, plane: new Float64Array(mcusX * c.h * 8 * mcusY * c.v * 8) }));
    } else if (marker === 0xdd) {
      restartInterval = u16(p - len + 2);
    } else if (marker === 0xda) {
      if (body[0] !== comps.length) fail('only interleaved scans of every component are handled');
      const scan = comps.map((c, i) => {
        if (body[1 + 2 * i] !== c.id) fail('scan components out of order');
        return { c, dc: dcTables[body[2 + 2 * i]! >> 4] ?? fail('missing DC table'), ac: acTables[body[2 + 2 * i]! & 15] ?? fail('missing AC table'), q: quant[c.tq] ?? fail('missing quantisation table'), pred: 0 };
      });
      if (restartInterval !== 0) fail('restart intervals are not handled');
      // Entropy data: up to the next marker that is not a stuffed 0xFF00.
      const bytes: number[] = [];
      while (!(data[p] === 0xff && data[p + 1] !== 0x00)) {
        if (p >= data.length) fail('entropy data runs off the end');
        bytes.push(data[p]!);
        p += data[p] === 0xff ? 2 : 1;
      }
      let bitPos = 0;
      const bit = () => {
        const byte = bytes[bitPos >> 3];
        if (byte === undefined) fail('entropy data exhausted');
        const b = (byte >> (7 - (bitPos & 7))) & 1;
        bitPos++;
        return b;
      };
      const readSymbol = (t: Huffman) => {
        let code = '';
        while (code.length < 16) {
          code += bit();
          const s = t.get(code);
          if (s !== undefined) return s;
        }
        return fail(`undecodable Huffman code ${code}`);
      };
      const readValue = (size: number) => {
        if (size === 0) return 0;
        let v = 0;
        for (let i = 0; i < size; i++) v = v * 2 + bit();
        return v < 2 ** (size - 1) ? v - 2 ** size + 1 : v;
      };
      const mcusX = Math.ceil(width / (8 * hmax));
      const mcusY = Math.ceil(height / (8 * vmax));
      for (let my = 0; my < mcusY; my++) {
        for (let mx = 0; mx < mcusX; mx++) {
          for (const s of scan) {
            for (let by = 0; by < s.c.v; by++) {
              for (let bx = 0; bx < s.c.h; bx++) {
                const zz = new Array<number>(64).fill(0);
                s.pred += readValue(readSymbol(s.dc));
                zz[0] = s.pred;
                for (let k = 1; k < 64;) {
                  const rs = readSymbol(s.ac);
                  if (rs === 0x00) break;
                  if (rs === 0xf0) {
                    k += 16;
                    continue;
                  }
                  k += rs >> 4;
                  if (k > 63) fail('run past the block');
                  zz[k] = readValue(rs & 15);
                  k++;
                }
                const coef = Array.from({ length: 8 }, () => new Array<number>(8).fill(0));
                zz.forEach((v, k) => {
                  const [r, col] = ZZ[k]!;
                  coef[r]![col] = v * s.q[k]!;
                });
                const px = idct(coef);
                const stride = s.c.blocksX * 8;
                const x0 = (mx * s.c.h + bx) * 8;
                const y0 = (my * s.c.v + by) * 8;
                for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) s.c.plane[(y0 + y) * stride + x0 + x] = px[y]![x]!;
              }
            }
          }
        }
      }
      // Padding bits must all be 1 and fewer than 8.
      const used = Math.ceil(bitPos / 8);
      for (let b = bitPos; b < used * 8; b++) if (bit() !== 1) fail('padding bits are not 1');
      trailingBytes = bytes.length - used;
    } else if (marker >= 0xc1 && marker <= 0xcf) {
      fail(`unsupported frame type 0x${marker.toString(16)}`);
    }
  }
  if (comps.length === 0 || trailingBytes < 0) fail('no frame or no scan');
  const rgb = new Uint8Array(width * height * 3);
  const luma = new Uint8Array(width * height);
  const clamp = (v: number) => Math.max(0, Math.min(255, Math.round(v)));
  const sample = (c: Component, x: number, y: number) =>
    c.plane[Math.floor((y * c.v) / vmax) * c.blocksX * 8 + Math.floor((x * c.h) / hmax)]!;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const Y = sample(comps[0]!, x, y);
      const o = (y * width + x) * 3;
      luma[y * width + x] = clamp(Y);
      if (comps.length === 1) {
        rgb[o] = rgb[o + 1] = rgb[o + 2] = clamp(Y);
        continue;
      }
      const cb = sample(comps[1]!, x, y) - 128;
      const cr = sample(comps[2]!, x, y) - 128;
      rgb[o] = clamp(Y + 1.402 * cr);
      rgb[o + 1] = clamp(Y - 0.344136 * cb - 0.714136 * cr);
      rgb[o + 2] = clamp(Y + 1.772 * cb);
    }
  }
  return { width, height, components: comps.length, rgb, luma, trailingBytes };
}

/** Peak signal-to-noise ratio of two same-sized byte arrays, in dB. */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`psnr: sizes differ (${a.length}, ${b.length})`);
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i]! - b[i]!) ** 2;
  return se === 0 ? Infinity : 10 * Math.log10((255 * 255 * a.length) / se);
}
