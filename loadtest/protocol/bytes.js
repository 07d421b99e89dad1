// Byte helpers that run the same in k6 and Node: k6 has neither Buffer nor (in every version)
// TextEncoder/TextDecoder, so UTF-8 is done by hand.

/** A growable byte buffer that encoders append to. */
export class ByteWriter {
  /** @param {number} [capacity] */
  constructor(capacity = 64) {
    /** @type {Uint8Array} */
    this.buffer = new Uint8Array(capacity);
    /** @type {DataView} */
    this.view = new DataView(this.buffer.buffer);
    this.length = 0;
  }

  /**
   * Makes room for `extra` more bytes and returns the offset to write them at.
   * @param {number} extra
   */
  reserve(extra) {
    const needed = this.length + extra;
    if (needed > this.buffer.length) {
      let capacity = this.buffer.length * 2;
      while (capacity < needed) capacity *= 2;
      const next = new Uint8Array(capacity);
      next.set(this.buffer.subarray(0, this.length));
      this.buffer = next;
      this.view = new DataView(next.buffer);
    }
    const offset = this.length;
    this.length = needed;
    return offset;
  }

  /** @param {number} byte */
  u8(byte) {
    const at = this.reserve(1);
    this.buffer[at] = byte;
  }

  /** @param {ArrayLike<number>} bytes */
  bytes(bytes) {
    const at = this.reserve(bytes.length); // may replace this.buffer: reserve first
    this.buffer.set(bytes, at);
  }

  /** A copy of what was written. */
  finish() {
    return this.buffer.slice(0, this.length);
  }
}

/**
 * UTF-8 bytes of a string. Lone surrogates become U+FFFD, as TextEncoder does.
 * @param {string} text
 * @returns {Uint8Array}
 */
export function utf8Encode(text) {
  const out = new Uint8Array(text.length * 3);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else {
        c = 0xfffd;
      }
    }
    if (c < 0x80) {
      out[n++] = c;
    } else if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 0x3f);
    } else if (c < 0x10000) {
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 0x3f);
      out[n++] = 0x80 | (c & 0x3f);
    } else {
      out[n++] = 0xf0 | (c >> 18);
      out[n++] = 0x80 | ((c >> 12) & 0x3f);
      out[n++] = 0x80 | ((c >> 6) & 0x3f);
      out[n++] = 0x80 | (c & 0x3f);
    }
  }
  return out.subarray(0, n);
}

/**
 * Decodes UTF-8 from `bytes[start..end)` as the WHATWG decoder (TextDecoder) does: each malformed
 * sequence becomes one U+FFFD.
 * @param {Uint8Array} bytes
 * @param {number} start
 * @param {number} end
 * @returns {string}
 */
export function utf8Decode(bytes, start, end) {
  /** @type {number[]} */
  const units = [];
  let text = "";
  let code = 0;
  let needed = 0;
  let seen = 0;
  let lower = 0x80;
  let upper = 0xbf;
  for (let i = start; i < end; i++) {
    const byte = /** @type {number} */ (bytes[i]);
    if (needed === 0) {
      if (byte < 0x80) {
        units.push(byte);
      } else if (byte >= 0xc2 && byte <= 0xdf) {
        needed = 1;
        code = byte & 0x1f;
      } else if (byte >= 0xe0 && byte <= 0xef) {
        // second-byte bounds refuse overlong forms and surrogates
        if (byte === 0xe0) lower = 0xa0;
        if (byte === 0xed) upper = 0x9f;
        needed = 2;
        code = byte & 0x0f;
      } else if (byte >= 0xf0 && byte <= 0xf4) {
        if (byte === 0xf0) lower = 0x90;
        if (byte === 0xf4) upper = 0x8f;
        needed = 3;
        code = byte & 0x07;
      } else {
        units.push(0xfffd);
      }
    } else if (byte < lower || byte > upper) {
      // the sequence so far is one error; this byte starts afresh
      needed = seen = code = 0;
      lower = 0x80;
      upper = 0xbf;
      units.push(0xfffd);
      i--;
    } else {
      lower = 0x80;
      upper = 0xbf;
      code = (code << 6) | (byte & 0x3f);
      if (++seen === needed) {
        if (code >= 0x10000) units.push(0xd800 + ((code - 0x10000) >> 10), 0xdc00 + ((code - 0x10000) & 0x3ff));
        else units.push(code);
        needed = seen = code = 0;
      }
    }
    // String.fromCharCode takes its arguments on the stack: flush in chunks
    if (units.length >= 4096) {
      text += String.fromCharCode.apply(null, units);
      units.length = 0;
    }
  }
  if (needed !== 0) units.push(0xfffd);
  return text + String.fromCharCode.apply(null, units);
}

/**
 * An ArrayBuffer holding exactly these bytes: k6's `WebSocket.send` wants an ArrayBuffer, not a view.
 * @param {Uint8Array} bytes
 * @returns {ArrayBuffer}
 */
export function toArrayBuffer(bytes) {
  const buffer = bytes.buffer;
  if (bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength && buffer instanceof ArrayBuffer) return buffer;
  return bytes.slice().buffer;
}

/**
 * Bytes of a received binary frame (an ArrayBuffer in k6 and browsers, a Buffer or Uint8Array in Node).
 * @param {ArrayBuffer | ArrayBufferView} data
 * @returns {Uint8Array}
 */
export function toBytes(data) {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}
