// A minimal msgpack codec for the payloads arena exchanges: nil, booleans, integers, floats,
// strings, arrays and maps with string keys. Standard msgpack (big-endian), as msgpackr writes it.
/** @import { MsgInput, MsgMap, MsgValue } from "./types.js" */
import { ByteWriter, utf8Decode, utf8Encode } from "./bytes.js";

export class MsgpackError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = "MsgpackError";
  }
}

const TWO_32 = 4294967296;

/**
 * Encodes a value. Integers in the 32-bit ranges take the smallest msgpack form; other numbers are
 * float64, as msgpackr writes them (msgpackr reads 64-bit integers as BigInt, which no handler
 * expects). Map entries whose value is undefined are left out (as JSON.stringify does).
 * @param {MsgInput} value
 * @returns {Uint8Array}
 */
export function encode(value) {
  const out = new ByteWriter();
  write(out, value, 0);
  return out.finish();
}

/**
 * Appends one encoded value to a writer (for frames that put a header first).
 * @param {ByteWriter} out
 * @param {MsgInput} value
 */
export function encodeInto(out, value) {
  write(out, value, 0);
}

/** Deeper nesting than this is refused rather than risking the stack. */
const MAX_DEPTH = 64;

/**
 * @param {ByteWriter} out
 * @param {MsgInput} value
 * @param {number} depth
 */
function write(out, value, depth) {
  if (depth > MAX_DEPTH) throw new MsgpackError("value nested too deeply");
  if (value === null || value === undefined) {
    out.u8(0xc0);
  } else if (value === false) {
    out.u8(0xc2);
  } else if (value === true) {
    out.u8(0xc3);
  } else if (typeof value === "number") {
    writeNumber(out, value);
  } else if (typeof value === "string") {
    writeString(out, value);
  } else if (isArray(value)) {
    writeLength(out, value.length, 0x90, 0x0f, 0xdc, 0xdd);
    for (const item of value) write(out, item, depth + 1);
  } else if (typeof value === "object") {
    const keys = Object.keys(value).filter((key) => value[key] !== undefined);
    writeLength(out, keys.length, 0x80, 0x0f, 0xde, 0xdf);
    for (const key of keys) {
      writeString(out, key);
      write(out, value[key], depth + 1);
    }
  } else {
    throw new MsgpackError(`cannot encode a ${typeof value}`);
  }
}

/**
 * @param {MsgInput} value
 * @returns {value is readonly MsgInput[]}
 */
function isArray(value) {
  return Array.isArray(value);
}

/**
 * A header with a length: the fix form when it fits, else the 16- or 32-bit form.
 * @param {ByteWriter} out
 * @param {number} length
 * @param {number} fixPrefix
 * @param {number} fixMax
 * @param {number} prefix16
 * @param {number} prefix32
 */
function writeLength(out, length, fixPrefix, fixMax, prefix16, prefix32) {
  if (length <= fixMax) {
    out.u8(fixPrefix | length);
  } else if (length < 0x10000) {
    const at = out.reserve(3);
    out.buffer[at] = prefix16;
    out.view.setUint16(at + 1, length);
  } else {
    const at = out.reserve(5);
    out.buffer[at] = prefix32;
    out.view.setUint32(at + 1, length);
  }
}

/**
 * @param {ByteWriter} out
 * @param {string} text
 */
function writeString(out, text) {
  const bytes = utf8Encode(text);
  if (bytes.length < 0x20) {
    out.u8(0xa0 | bytes.length);
  } else if (bytes.length < 0x100) {
    out.u8(0xd9);
    out.u8(bytes.length);
  } else {
    // no fix form left to use (fixMax -1): str 16 or str 32
    writeLength(out, bytes.length, 0, -1, 0xda, 0xdb);
  }
  out.bytes(bytes);
}

/**
 * @param {ByteWriter} out
 * @param {number} n
 */
function writeNumber(out, n) {
  if (!Number.isInteger(n) || n < -0x80000000 || n >= TWO_32 || Object.is(n, -0)) {
    const at = out.reserve(9);
    out.buffer[at] = 0xcb;
    out.view.setFloat64(at + 1, n);
    return;
  }
  if (n >= 0) {
    if (n < 0x80) return out.u8(n);
    if (n < 0x100) return writeFixed(out, 0xcc, 1, n);
    if (n < 0x10000) return writeFixed(out, 0xcd, 2, n);
    return writeFixed(out, 0xce, 4, n);
  }
  if (n >= -0x20) return out.u8(n & 0xff);
  if (n >= -0x80) return writeFixed(out, 0xd0, 1, n);
  if (n >= -0x8000) return writeFixed(out, 0xd1, 2, n);
  return writeFixed(out, 0xd2, 4, n);
}

/**
 * A prefix and a big-endian integer of 1, 2 or 4 bytes (two's complement for negatives).
 * @param {ByteWriter} out
 * @param {number} prefix
 * @param {1 | 2 | 4} size
 * @param {number} n
 */
function writeFixed(out, prefix, size, n) {
  const at = out.reserve(1 + size);
  out.buffer[at] = prefix;
  if (size === 1) out.view.setUint8(at + 1, n & 0xff);
  else if (size === 2) out.view.setUint16(at + 1, n & 0xffff);
  else out.view.setUint32(at + 1, n >>> 0);
}

/**
 * Decodes one value from `bytes[start..]` and checks that nothing follows it.
 * @param {Uint8Array} bytes
 * @param {number} [start]
 * @returns {MsgValue}
 */
export function decode(bytes, start = 0) {
  const reader = new Reader(bytes, start);
  const value = reader.value(0);
  if (reader.offset !== bytes.length) throw new MsgpackError(`${bytes.length - reader.offset} bytes after the value`);
  return value;
}

class Reader {
  /**
   * @param {Uint8Array} bytes
   * @param {number} offset
   */
  constructor(bytes, offset) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.offset = offset;
  }

  /**
   * Moves past `size` bytes and returns where they start.
   * @param {number} size
   */
  take(size) {
    const at = this.offset;
    if (at + size > this.bytes.length) throw new MsgpackError("truncated value");
    this.offset = at + size;
    return at;
  }

  /**
   * @param {number} depth
   * @returns {MsgValue}
   */
  value(depth) {
    if (depth > MAX_DEPTH) throw new MsgpackError("value nested too deeply");
    const prefix = /** @type {number} */ (this.bytes[this.take(1)]);
    if (prefix < 0x80) return prefix;
    if (prefix < 0x90) return this.map(prefix & 0x0f, depth);
    if (prefix < 0xa0) return this.array(prefix & 0x0f, depth);
    if (prefix < 0xc0) return this.string(prefix & 0x1f);
    if (prefix >= 0xe0) return prefix - 0x100;
    const view = this.view;
    switch (prefix) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xca:
        return view.getFloat32(this.take(4));
      case 0xcb:
        return view.getFloat64(this.take(8));
      case 0xcc:
        return view.getUint8(this.take(1));
      case 0xcd:
        return view.getUint16(this.take(2));
      case 0xce:
        return view.getUint32(this.take(4));
      case 0xcf: {
        const at = this.take(8);
        return view.getUint32(at) * TWO_32 + view.getUint32(at + 4);
      }
      case 0xd0:
        return view.getInt8(this.take(1));
      case 0xd1:
        return view.getInt16(this.take(2));
      case 0xd2:
        return view.getInt32(this.take(4));
      case 0xd3: {
        const at = this.take(8);
        return view.getInt32(at) * TWO_32 + view.getUint32(at + 4);
      }
      case 0xd9:
        return this.string(view.getUint8(this.take(1)));
      case 0xda:
        return this.string(view.getUint16(this.take(2)));
      case 0xdb:
        return this.string(view.getUint32(this.take(4)));
      case 0xdc:
        return this.array(view.getUint16(this.take(2)), depth);
      case 0xdd:
        return this.array(view.getUint32(this.take(4)), depth);
      case 0xde:
        return this.map(view.getUint16(this.take(2)), depth);
      case 0xdf:
        return this.map(view.getUint32(this.take(4)), depth);
      default:
        throw new MsgpackError(`unsupported msgpack type 0x${prefix.toString(16)} (binary and extensions are not used by arena)`);
    }
  }

  /** @param {number} length */
  string(length) {
    const at = this.take(length);
    return utf8Decode(this.bytes, at, at + length);
  }

  /**
   * @param {number} length
   * @param {number} depth
   */
  array(length, depth) {
    // every element takes at least one byte: refuse lengths the input cannot hold before allocating
    if (length > this.bytes.length - this.offset) throw new MsgpackError("truncated array");
    /** @type {MsgValue[]} */
    const items = [];
    for (let i = 0; i < length; i++) items.push(this.value(depth + 1));
    return items;
  }

  /**
   * @param {number} length
   * @param {number} depth
   */
  map(length, depth) {
    if (length * 2 > this.bytes.length - this.offset) throw new MsgpackError("truncated map");
    /** @type {MsgMap} */
    const entries = {};
    for (let i = 0; i < length; i++) {
      const key = this.value(depth + 1);
      if (typeof key !== "string" && typeof key !== "number") throw new MsgpackError("map keys must be strings or numbers");
      const value = this.value(depth + 1);
      // a key such as "__proto__" must become a plain property, not change the prototype
      Object.defineProperty(entries, String(key), { value, enumerable: true, writable: true, configurable: true });
    }
    return entries;
  }
}
