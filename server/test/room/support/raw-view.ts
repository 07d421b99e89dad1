/**
 * What one client could have seen: its raw frames, decoded again from scratch with the mode's state
 * class (full states and patches) and msgpack (messages), in the order they arrived.
 */
import { Decoder, decode, type Schema } from "@colyseus/schema";
import { unpack } from "msgpackr";

const UNRELIABLE = 0x20;
const JOIN_ROOM = 10;
const ROOM_DATA = 13;
const ROOM_STATE = 14;
const ROOM_STATE_PATCH = 15;

export class RawView {
  constructor(
    private readonly stateClass: new () => Schema,
    private readonly raw: readonly Buffer[],
  ) {}

  get frames(): number {
    return this.raw.length;
  }

  /**
   * Replays the frames and asks `leak` after each one whether what the client holds so far shows
   * something it must not see; returns the first answer that is not null, with the frame's index.
   */
  firstLeak(leak: (decoded: Record<string, unknown>, messages: ReadonlyArray<[string, unknown]>) => string | null): string | null {
    const state = new this.stateClass();
    const decoder = new Decoder(state);
    const messages: Array<[string, unknown]> = [];
    for (const [index, frame] of this.raw.entries()) {
      const bytes = new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength);
      const code = bytes[0]! & 0x1f;
      const it = { offset: 1 };
      if (code === ROOM_STATE || code === ROOM_STATE_PATCH) {
        if (bytes[0]! & UNRELIABLE) it.offset += 2;
        decoder.decode(bytes, it);
      } else if (code === ROOM_DATA) {
        const type = decode.stringCheck(bytes, it) ? decode.string(bytes, it) : String(decode.number(bytes, it));
        messages.push([type, bytes.byteLength > it.offset ? unpack(bytes.subarray(it.offset)) : undefined]);
      } else if (code !== JOIN_ROOM) {
        continue;
      }
      const found = leak(state.toJSON() as Record<string, unknown>, messages);
      if (found !== null) return `frame ${index}: ${found}`;
    }
    return null;
  }
}
