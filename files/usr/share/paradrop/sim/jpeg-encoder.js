// Baseline JPEG encoder for the simulated camera: RGB in, a JFIF file out (YCbCr 4:2:0, 8-bit,
// the example quantisation and Huffman tables of ITU-T T.81 Annex K, no restart markers).
// Invariants: the output depends only on the pixels and the quality (same scene, same bytes), so a
// still scene gives byte-identical frames; every symbol the encoder emits is in its tables (checked
// when this module loads).
'use strict';

// Annex K.1 / K.2 quantisation tables in natural (row-major) order.
const LUMA_Q = [
  16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
  14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
  49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const CHROMA_Q = [
  17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99,
  47, 66, 99, 99, 99, 99, 99, 99, ...new Array(32).fill(99),
];

// Annex K.3 Huffman tables: BITS (codes of length 1..16) and the symbols by increasing code length.
// The AC tables list their short codes; the 16-bit codes take every other run/size symbol in
// ascending order, which is how the standard's tables end, so the tail is generated, not typed.
const AC_SYMBOLS = [0x00, 0xf0];
for (let run = 0; run < 16; run++) for (let size = 1; size <= 10; size++) AC_SYMBOLS.push((run << 4) | size);

function withTail(head) {
  const rest = AC_SYMBOLS.filter((s) => !head.includes(s)).sort((a, b) => a - b);
  return [...head, ...rest];
}

const DC_LUMA = { bits: [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] };
const DC_CHROMA = { bits: [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], values: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] };
const AC_LUMA = {
  bits: [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d],
  values: withTail([
    0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07,
    0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08, 0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0,
    0x24, 0x33, 0x62, 0x72, 0x82,
  ]),
};
const AC_CHROMA = {
  bits: [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77],
  values: withTail([
    0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71,
    0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91, 0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0,
    0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1,
  ]),
};

/** ZIGZAG[k] = natural index of the k-th coefficient in zigzag order. */
const ZIGZAG = (() => {
  const out = [];
  for (let d = 0; d < 15; d++) {
    const cells = [];
    for (let y = 0; y < 8; y++) {
      const x = d - y;
      if (x >= 0 && x < 8) cells.push(y * 8 + x);
    }
    // Even diagonals run up and to the right (row decreasing), odd ones down and to the left.
    out.push(...(d % 2 === 0 ? cells.reverse() : cells));
  }
  return out;
})();

/** Code and length per symbol, from BITS/HUFFVAL (T.81 Annex C). */
function buildCodes(table) {
  const total = table.bits.reduce((a, b) => a + b, 0);
  if (total !== table.values.length || new Set(table.values).size !== total) throw new Error('jpeg-encoder: malformed Huffman table');
  const codes = new Map();
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    for (let i = 0; i < table.bits[len - 1]; i++) codes.set(table.values[k++], { code: code++, len });
    code <<= 1;
  }
  return codes;
}

const CODES = { dcLuma: buildCodes(DC_LUMA), dcChroma: buildCodes(DC_CHROMA), acLuma: buildCodes(AC_LUMA), acChroma: buildCodes(AC_CHROMA) };
for (const t of [CODES.acLuma, CODES.acChroma]) {
  if (t.size !== AC_SYMBOLS.length || !AC_SYMBOLS.every((s) => t.has(s))) throw new Error('jpeg-encoder: AC table lacks symbols');
}

/** IJG's quality scaling (1..100) of a base table. */
function scaledTable(base, quality) {
  const q = Math.min(100, Math.max(1, Math.round(quality)));
  const scale = q < 50 ? Math.floor(5000 / q) : 200 - 2 * q;
  return base.map((v) => Math.min(255, Math.max(1, Math.floor((v * scale + 50) / 100))));
}

// DCT basis: COS[u * 8 + x] = C(u)/2 * cos((2x+1)uπ/16), so F = COS · f · COSᵀ.
const COS = new Float64Array(64);
for (let u = 0; u < 8; u++) {
  for (let x = 0; x < 8; x++) COS[u * 8 + x] = (u === 0 ? Math.SQRT1_2 : 1) / 2 * Math.cos(((2 * x + 1) * u * Math.PI) / 16);
}

/** Forward DCT of one level-shifted 8x8 block, then quantisation; result in zigzag order. */
function transformBlock(block, qtable, out) {
  const tmp = new Float64Array(64);
  for (let y = 0; y < 8; y++) {
    for (let u = 0; u < 8; u++) {
      let s = 0;
      for (let x = 0; x < 8; x++) s += COS[u * 8 + x] * block[y * 8 + x];
      tmp[y * 8 + u] = s;
    }
  }
  for (let u = 0; u < 8; u++) {
    for (let v = 0; v < 8; v++) {
      let s = 0;
      for (let y = 0; y < 8; y++) s += COS[v * 8 + y] * tmp[y * 8 + u];
      const natural = v * 8 + u;
      out[natural] = Math.round(s / qtable[natural]);
    }
  }
  const zz = new Int32Array(64);
  for (let k = 0; k < 64; k++) zz[k] = out[ZIGZAG[k]];
  return zz;
}

class BitWriter {
  constructor() {
    this.bytes = Buffer.alloc(16384);
    this.length = 0;
    this.acc = 0;
    this.nbits = 0;
  }

  byte(b) {
    if (this.length + 2 > this.bytes.length) {
      const bigger = Buffer.alloc(this.bytes.length * 2);
      this.bytes.copy(bigger);
      this.bytes = bigger;
    }
    this.bytes[this.length++] = b;
    if (b === 0xff) this.bytes[this.length++] = 0; // byte stuffing
  }

  write(code, len) {
    for (let i = len - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((code >>> i) & 1);
      if (++this.nbits === 8) {
        this.byte(this.acc);
        this.acc = 0;
        this.nbits = 0;
      }
    }
  }

  /** Pads the last byte with 1 bits, as T.81 F.1.2.3 asks. */
  flush() {
    if (this.nbits > 0) this.write((1 << (8 - this.nbits)) - 1, 8 - this.nbits);
    return this.bytes.subarray(0, this.length);
  }
}

function magnitude(v) {
  let a = Math.abs(v);
  let n = 0;
  while (a) {
    n++;
    a >>= 1;
  }
  return n;
}

function emitValue(w, v, size) {
  w.write(v < 0 ? v + (1 << size) - 1 : v, size);
}

function encodeBlock(w, zz, prevDc, dcCodes, acCodes) {
  const diff = zz[0] - prevDc;
  const s = magnitude(diff);
  const dc = dcCodes.get(s);
  w.write(dc.code, dc.len);
  if (s) emitValue(w, diff, s);
  let run = 0;
  for (let k = 1; k < 64; k++) {
    const v = zz[k];
    if (v === 0) {
      run++;
      continue;
    }
    while (run > 15) {
      const zrl = acCodes.get(0xf0);
      w.write(zrl.code, zrl.len);
      run -= 16;
    }
    const size = magnitude(v);
    if (size > 10) throw new Error('jpeg-encoder: AC coefficient out of range');
    const c = acCodes.get((run << 4) | size);
    w.write(c.code, c.len);
    emitValue(w, v, size);
    run = 0;
  }
  if (run > 0) {
    const eob = acCodes.get(0x00);
    w.write(eob.code, eob.len);
  }
  return zz[0];
}

function segment(marker, payload) {
  const head = Buffer.from([0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]);
  return Buffer.concat([head, Buffer.from(payload)]);
}

function dhtPayload(tableClass, id, table) {
  return [(tableClass << 4) | id, ...table.bits, ...table.values];
}

/**
 * Encodes `rgb` (width*height*3 bytes, row-major) as a baseline JFIF JPEG.
 * @param {{ width: number, height: number, rgb: Uint8Array, quality?: number }} image
 * @returns {Buffer}
 */
function encodeJpeg({ width, height, rgb, quality = 80 }) {
  if (!(width > 0 && height > 0 && width < 65536 && height < 65536) || rgb.length !== width * height * 3) {
    throw new Error(`jpeg-encoder: bad image ${width}x${height} with ${rgb.length} bytes`);
  }
  const ql = scaledTable(LUMA_Q, quality);
  const qc = scaledTable(CHROMA_Q, quality);
  const mcuX = Math.ceil(width / 16);
  const mcuY = Math.ceil(height / 16);
  // Planes padded to whole MCUs by repeating the last row and column.
  const pw = mcuX * 16;
  const ph = mcuY * 16;
  const Y = new Float64Array(pw * ph);
  const Cb = new Float64Array(pw * ph);
  const Cr = new Float64Array(pw * ph);
  for (let y = 0; y < ph; y++) {
    const sy = Math.min(y, height - 1);
    for (let x = 0; x < pw; x++) {
      const i = (sy * width + Math.min(x, width - 1)) * 3;
      const r = rgb[i];
      const g = rgb[i + 1];
      const b = rgb[i + 2];
      const o = y * pw + x;
      Y[o] = 0.299 * r + 0.587 * g + 0.114 * b - 128;
      Cb[o] = -0.168736 * r - 0.331264 * g + 0.5 * b;
      Cr[o] = 0.5 * r - 0.418688 * g - 0.081312 * b;
    }
  }
  const w = new BitWriter();
  const block = new Float64Array(64);
  const scratch = new Float64Array(64);
  let dcY = 0;
  let dcCb = 0;
  let dcCr = 0;
  for (let my = 0; my < mcuY; my++) {
    for (let mx = 0; mx < mcuX; mx++) {
      for (let by = 0; by < 2; by++) {
        for (let bx = 0; bx < 2; bx++) {
          const x0 = mx * 16 + bx * 8;
          const y0 = my * 16 + by * 8;
          for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) block[y * 8 + x] = Y[(y0 + y) * pw + x0 + x];
          dcY = encodeBlock(w, transformBlock(block, ql, scratch), dcY, CODES.dcLuma, CODES.acLuma);
        }
      }
      for (const [plane, which] of [[Cb, 'cb'], [Cr, 'cr']]) {
        // 2x2 average: the chroma sample sits between the four luma samples it covers.
        for (let y = 0; y < 8; y++) {
          for (let x = 0; x < 8; x++) {
            const o = (my * 16 + y * 2) * pw + mx * 16 + x * 2;
            block[y * 8 + x] = (plane[o] + plane[o + 1] + plane[o + pw] + plane[o + pw + 1]) / 4;
          }
        }
        const zz = transformBlock(block, qc, scratch);
        if (which === 'cb') dcCb = encodeBlock(w, zz, dcCb, CODES.dcChroma, CODES.acChroma);
        else dcCr = encodeBlock(w, zz, dcCr, CODES.dcChroma, CODES.acChroma);
      }
    }
  }
  const entropy = w.flush();
  const zq = (t) => ZIGZAG.map((n) => t[n]);
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]), // JFIF 1.01, aspect 1:1
    segment(0xdb, [0x00, ...zq(ql), 0x01, ...zq(qc)]),
    segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]),
    segment(0xc4, [...dhtPayload(0, 0, DC_LUMA), ...dhtPayload(1, 0, AC_LUMA), ...dhtPayload(0, 1, DC_CHROMA), ...dhtPayload(1, 1, AC_CHROMA)]),
    segment(0xda, [3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]),
    entropy,
    Buffer.from([0xff, 0xd9]),
  ]);
}

module.exports = { encodeJpeg, ZIGZAG };
