/**
 * Records every raw WebSocket frame the SDK clients of this test process receive.
 * Import it before `@arena/client-sdk`: the SDK picks its WebSocket class when it loads.
 */
import { WebSocket as NodeWebSocket, type ClientOptions, type RawData } from "ws";

function toBuffer(data: RawData | ArrayBuffer): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

class RecordingWebSocket extends NodeWebSocket {
  /** Every frame received, in order, as bytes. */
  readonly frames: Buffer[] = [];

  constructor(address: string | URL, protocols?: string | string[] | ClientOptions, options?: ClientOptions) {
    // the SDK passes (url, { headers, protocols }); ws takes an options object in the protocols slot
    super(address, protocols as string | string[], options);
    // registered before the SDK's own handler, so a frame is recorded before the client applies it
    this.on("message", (data: RawData | ArrayBuffer) => this.frames.push(toBuffer(data)));
    sockets.push(this);
  }
}

const sockets: RecordingWebSocket[] = [];
Object.defineProperty(globalThis, "WebSocket", { value: RecordingWebSocket, writable: true, configurable: true });

/** The live list of frames received by the client connection of `sessionId`. */
export function framesOf(sessionId: string): Buffer[] {
  const socket = sockets.find((s) => s.url.includes(`sessionId=${sessionId}`));
  if (!socket) throw new Error(`no recorded socket for session ${sessionId}`);
  return socket.frames;
}

/** Whether any of `frames` contains `pattern` anywhere in its bytes. */
export function framesContain(frames: readonly Buffer[], pattern: Buffer): boolean {
  return frames.some((frame) => frame.includes(pattern));
}

/**
 * The byte sequences a number can take on the wire: as a schema float64 (little endian) and as
 * msgpack (big-endian floats, and the 2- to 4-byte unsigned int forms msgpack uses for integers).
 */
export function wireEncodingsOf(value: number): Buffer[] {
  const out: Buffer[] = [];
  const f64le = Buffer.alloc(8);
  f64le.writeDoubleLE(value);
  out.push(f64le);
  const f64be = Buffer.alloc(9);
  f64be[0] = 0xcb;
  f64be.writeDoubleBE(value, 1);
  out.push(f64be);
  if (Math.fround(value) === value) {
    const f32be = Buffer.alloc(5);
    f32be[0] = 0xca;
    f32be.writeFloatBE(value, 1);
    out.push(f32be);
  }
  if (Number.isInteger(value) && value >= 128 && value < 2 ** 32) {
    if (value < 256) out.push(Buffer.from([0xcc, value]));
    else if (value < 65536) out.push(Buffer.from([0xcd, value >> 8, value & 0xff]));
    else out.push(Buffer.from([0xce, (value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff]));
  }
  return out;
}
