// Pure tests of the load client's msgpack codec and Colyseus frames, against the real encoders the
// server uses: msgpackr (payloads), @colyseus/core's getMessageBytes and @colyseus/schema (headers).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getMessageBytes } from "@colyseus/core/Protocol";
import { encode as schemaEncode } from "@colyseus/schema";
import { pack, unpack } from "msgpackr";
import {
  CloseCode,
  Protocol,
  ProtocolError,
  guestAuthRequest,
  joinAck,
  leaveFrame,
  matchmakeRequest,
  parseFrame,
  parseGuestAuth,
  parseReservation,
  pingFrame,
  roomDataFrame,
  toArrayBuffer,
  toBytes,
  utf8Decode,
  utf8Encode,
  webSocketUrl,
} from "../protocol/index.js";
import type { MsgValue, SeatReservation } from "../protocol/types.js";

const INTS = [
  0, 1, 127, 128, 255, 256, 65535, 65536, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 40 + 7, Number.MAX_SAFE_INTEGER,
  -1, -31, -32, -33, -127, -128, -129, -32768, -32769, -(2 ** 31), -(2 ** 31) - 1, -(2 ** 40) - 7, Number.MIN_SAFE_INTEGER,
];
const FLOATS = [0.5, -1.25, 0.1, 1e300, -1e-300, 3.14159, Infinity, -Infinity];
const STRINGS = ["", "a", "input", "é", "日本語", "emoji 😀 and more", "x".repeat(31), "x".repeat(32), "y".repeat(255), "z".repeat(256), "w".repeat(65535), "v".repeat(65536)];
const SAMPLES: MsgValue[] = [
  null,
  true,
  false,
  ...INTS,
  ...FLOATS,
  ...STRINGS,
  [],
  [1, "two", [3, [4]], { five: 5 }],
  Array.from({ length: 15 }, (_, i) => i),
  Array.from({ length: 16 }, (_, i) => i),
  Array.from({ length: 70_000 }, (_, i) => i % 300),
  {},
  Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`k${i}`, i])),
  Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, `v${i}`])),
  // shapes arena sends and receives
  { throttle: 0.75, steer: -1, boost: true, seq: 300 },
  { round: 3, answer: 1969 },
  { to: 4 },
  { code: "WRONG_PHASE", message: "inputs are accepted during countdown and racing, not while waiting", cause: "input" },
  {
    round: 1,
    id: "q-1",
    kind: "number",
    prompt: "In which year did Apollo 11 land?",
    options: [],
    minValue: 1900,
    maxValue: 2000.5,
    answerWindowMs: 15000,
  },
  { faction: "red", zone: 255, zones: [{ id: 0, name: "Ford", neighbours: [1, 2], travelMs: [1450, 2100] }] },
];

describe("room message payloads", () => {
  it("are plain msgpack that msgpackr (what the server unpacks with) reads back exactly", () => {
    for (const value of SAMPLES) {
      const frame = roomDataFrame("t", value as never);
      assert.deepEqual(unpack(frame.subarray(3)), value, `msgpackr reads ours: ${JSON.stringify(value).slice(0, 60)}`);
      assert.deepEqual(parseFrame(getMessageBytes.raw(Protocol.ROOM_DATA, "t", value)), { kind: "data", type: "t", payload: value });
    }
  });

  it("leave out undefined map values, as the SDK's encoder does", () => {
    assert.deepEqual(unpack(roomDataFrame("t", { a: 1, b: undefined }).subarray(3)), { a: 1 });
  });

  it("encodes header strings as UTF-8 exactly like the platform, and decodes malformed UTF-8 as TextDecoder does", () => {
    for (const text of ["", "ascii", "é", "日本語", "😀", "mixed é 日 😀 z", "\u0000\u007f\u0080\u07ff\u0800\uffff"]) {
      assert.deepEqual(Buffer.from(utf8Encode(text)), Buffer.from(text, "utf8"));
      const bytes = Buffer.from(text, "utf8");
      assert.equal(utf8Decode(bytes, 0, bytes.length), text);
    }
    // malformed input: U+FFFD where TextDecoder puts it, never an exception
    const decoder = new TextDecoder();
    const samples = [[0x61, 0xc0, 0x80, 0xe2, 0x82, 0x62], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf0, 0x9f, 0x98], [0xe0, 0x80, 0xaf]];
    let seed = 7;
    for (let n = 0; n < 500; n++) {
      samples.push(Array.from({ length: 1 + (n % 12) }, () => (seed = (seed * 1103515245 + 12345) % 2147483648) % 256));
    }
    for (const sample of samples) {
      const bytes = new Uint8Array(sample);
      assert.equal(utf8Decode(bytes, 0, bytes.length), decoder.decode(bytes), `bytes ${sample.join(",")}`);
    }
  });

});

describe("Colyseus frames", () => {
  it("builds ROOM_DATA like the server's own frame builder, for short and long types", () => {
    const payload = { throttle: 0.75, steer: -1, boost: true, seq: 300 };
    for (const type of ["input", "answer", "x".repeat(31), "日本"]) {
      const ours = roomDataFrame(type, payload);
      const theirs = getMessageBytes.raw(Protocol.ROOM_DATA, type, payload);
      // the same header, the same payload value (msgpackr sizes maps differently, so compare values)
      const header = theirs.length - pack(payload).length;
      assert.deepEqual(Buffer.from(ours.subarray(0, header)), theirs.subarray(0, header), `header of ${type}`);
      assert.deepEqual(unpack(ours.subarray(header)), unpack(theirs.subarray(header)));
    }
    // long types use schema's little-endian string lengths (core builds those only without a payload)
    for (const type of ["ping-me", "y".repeat(32), "y".repeat(255), "z".repeat(256), "w".repeat(5000)]) {
      assert.deepEqual(Buffer.from(roomDataFrame(type)), getMessageBytes.raw(Protocol.ROOM_DATA, type), `a ${type.length}-byte type`);
      assert.deepEqual(parseFrame(getMessageBytes.raw(Protocol.ROOM_DATA, type)), { kind: "data", type, payload: undefined });
    }
  });

  it("writes numeric message types in schema's number encoding", () => {
    for (const type of [0, 5, 127, 128, 255, 256, 65535, 65536, 2 ** 31 - 1, -1, -32, -33, -128, -129, -32768, -32769, -(2 ** 31)]) {
      const expected = new Uint8Array(16);
      const it = { offset: 1 };
      expected[0] = Protocol.ROOM_DATA;
      schemaEncode.number(expected, type, it);
      assert.deepEqual([...roomDataFrame(type)], [...expected.subarray(0, it.offset)], `type ${type}`);
      assert.deepEqual(parseFrame(roomDataFrame(type)), { kind: "data", type, payload: undefined });
    }
    assert.throws(() => roomDataFrame(2 ** 31), ProtocolError);
    assert.throws(() => roomDataFrame(1.5), ProtocolError);
  });

  it("parses every frame kind the server sends", () => {
    const join = getMessageBytes[Protocol.JOIN_ROOM]("token-abc", "schema", new Uint8Array([1, 2, 3]), [{ tag: 2, bytes: new Uint8Array([9]) }]);
    assert.deepEqual(parseFrame(join), { kind: "join", reconnectionToken: "token-abc", serializerId: "schema" });

    const error = getMessageBytes[Protocol.ERROR](4217, `invalid payload ${"é".repeat(200)}`);
    assert.deepEqual(parseFrame(error), { kind: "error", code: 4217, message: `invalid payload ${"é".repeat(200)}` });
    assert.deepEqual(parseFrame(getMessageBytes[Protocol.ERROR](524)), { kind: "error", code: 524, message: "" });

    const data = getMessageBytes.raw(Protocol.ROOM_DATA, "question", { round: 2, options: ["a", "b"] });
    assert.deepEqual(parseFrame(data), { kind: "data", type: "question", payload: { round: 2, options: ["a", "b"] } });
    assert.deepEqual(parseFrame(getMessageBytes.raw(Protocol.ROOM_DATA, 7)), { kind: "data", type: 7, payload: undefined });
    assert.deepEqual(parseFrame(getMessageBytes.raw(Protocol.ROOM_DATA_BYTES, "blob", undefined, new Uint8Array(10))), {
      kind: "data-bytes",
      type: "blob",
      length: 10,
    });

    assert.deepEqual(parseFrame(new Uint8Array([Protocol.ROOM_STATE, 1, 2, 3])), { kind: "state", length: 4 });
    assert.deepEqual(parseFrame(new Uint8Array([Protocol.ROOM_STATE_PATCH, 1, 2])), { kind: "patch", length: 3 });
    // modifier bits (timed, unreliable) leave the code alone
    assert.deepEqual(parseFrame(new Uint8Array([Protocol.ROOM_STATE_PATCH | 0x80, 0, 0, 0, 0, 0, 0, 0, 0])), { kind: "patch", length: 9 });
    assert.deepEqual(parseFrame(getMessageBytes[Protocol.PING]()), { kind: "ping" });
    assert.deepEqual(parseFrame(new Uint8Array([Protocol.LEAVE_ROOM])), { kind: "leave" });
    assert.deepEqual(parseFrame(getMessageBytes[Protocol.ROOM_RESPONSE](300, 1, { reason: "no" })), {
      kind: "response",
      requestId: 300,
      status: 1,
      payload: { reason: "no" },
    });
    assert.deepEqual(parseFrame(new Uint8Array([20])), { kind: "other", code: 20 }); // an input channel frame

    assert.throws(() => parseFrame(new Uint8Array([])), ProtocolError);
    assert.throws(() => parseFrame(new Uint8Array([Protocol.JOIN_ROOM, 5, 0x61])), ProtocolError);
    assert.throws(() => parseFrame(new Uint8Array([Protocol.ERROR, 0xcd, 1])), ProtocolError);
    assert.throws(() => parseFrame(new Uint8Array([Protocol.ROOM_DATA, 0xa1, 0x61, 0xa5, 0x61])), "a truncated payload");
  });

  it("builds the one-byte frames the SDK sends", () => {
    assert.deepEqual([...joinAck()], [10]);
    assert.deepEqual([...pingFrame()], [18]);
    assert.deepEqual([...leaveFrame()], [12]);
    assert.equal(CloseCode.CONSENTED, 4000);
  });

  it("hands k6 an ArrayBuffer of exactly the frame, and reads back any binary message type", () => {
    const frame = roomDataFrame("move", { to: 3 });
    const whole = toArrayBuffer(frame);
    assert.ok(whole instanceof ArrayBuffer);
    assert.deepEqual(new Uint8Array(whole), frame);
    const slice = new Uint8Array([9, 9, ...frame, 9]).subarray(2, 2 + frame.length);
    assert.deepEqual(new Uint8Array(toArrayBuffer(slice)), frame);
    assert.equal(toArrayBuffer(slice).byteLength, frame.length);
    assert.deepEqual([...toBytes(whole)], [...frame]);
    assert.deepEqual([...toBytes(Buffer.from(frame))], [...frame]);
    assert.deepEqual([...toBytes(new DataView(whole))], [...frame]);
  });
});

describe("HTTP requests and responses", () => {
  const seat: SeatReservation = { name: "race", sessionId: "s1", roomId: "r1", processId: "p1" };

  it("builds the guest-token and matchmaking requests", () => {
    assert.deepEqual(guestAuthRequest("http://127.0.0.1:2567/", "ada"), {
      method: "POST",
      url: "http://127.0.0.1:2567/auth/guest",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: '{"name":"ada"}',
    });
    assert.equal(guestAuthRequest("http://h:1", "ada", "old").headers.Authorization, "Bearer old");
    const request = matchmakeRequest("https://game.example.com/arena", "race", { maxPlayers: 8 }, "tok");
    assert.equal(request.url, "https://game.example.com/arena/matchmake/joinOrCreate/race");
    assert.equal(request.headers.Authorization, "Bearer tok");
    assert.equal(request.body, '{"maxPlayers":8}');
    assert.equal(matchmakeRequest("http://h:1", "r 1", {}, "t", "joinById").url, "http://h:1/matchmake/joinById/r%201");
    assert.throws(() => guestAuthRequest("127.0.0.1:2567", "ada"), ProtocolError);
  });

  it("builds the WebSocket URL like the SDK: the node's public address, or the host asked", () => {
    assert.equal(webSocketUrl("http://127.0.0.1:2567", seat, "a.b-c_d"), "ws://127.0.0.1:2567/p1/r1?sessionId=s1&_authToken=a.b-c_d");
    assert.equal(webSocketUrl("https://lb.example.com/arena/", seat), "wss://lb.example.com/arena/p1/r1?sessionId=s1");
    assert.equal(
      webSocketUrl("http://lb:2567", { ...seat, publicAddress: "10.0.0.2:2568" }, "t"),
      "ws://10.0.0.2:2568/p1/r1?sessionId=s1&_authToken=t",
    );
  });

  it("parses reservations, tokens and every error body the server produces", () => {
    assert.deepEqual(parseReservation({ status: 200, body: JSON.stringify({ ...seat, publicAddress: "" }) }), { ok: true, value: seat });
    assert.deepEqual(parseReservation({ status: 200, body: JSON.stringify({ ...seat, publicAddress: "n2:2568" }) }), {
      ok: true,
      value: { ...seat, publicAddress: "n2:2568" },
    });
    assert.deepEqual(parseReservation({ status: 200, body: '{"name":"race"}' }).ok, false);
    const auth = { token: "t", playerId: "p", name: "ada", expiresAt: "2030-01-01T00:00:00Z" };
    assert.deepEqual(parseGuestAuth({ status: 200, body: JSON.stringify(auth) }), { ok: true, value: auth });

    // arena's own errors (rate limit, HTTP validation)
    assert.deepEqual(parseReservation({ status: 429, body: '{"code":"RATE_LIMITED","message":"too many requests; retry in 3 s"}' }), {
      ok: false,
      status: 429,
      code: "RATE_LIMITED",
      message: "too many requests; retry in 3 s",
    });
    // Colyseus' matchmaking errors carry arena's code at the start of the message
    assert.deepEqual(parseReservation({ status: 401, body: '{"code":401,"error":"UNAUTHORIZED: token expired"}' }), {
      ok: false,
      status: 401,
      code: "UNAUTHORIZED",
      message: "token expired",
    });
    assert.deepEqual(parseReservation({ status: 520, body: '{"code":520,"error":"no available handler for \\"nope\\""}' }), {
      ok: false,
      status: 520,
      code: "HTTP_520",
      message: 'no available handler for "nope"',
    });
    assert.deepEqual(parseReservation({ status: 502, body: "<html>bad gateway</html>" }), {
      ok: false,
      status: 502,
      code: "HTTP_502",
      message: "<html>bad gateway</html>",
    });
    assert.deepEqual(parseReservation({ status: 0, body: null, error: "dial tcp: connection refused" }), {
      ok: false,
      status: 0,
      code: "NETWORK",
      message: "dial tcp: connection refused",
    });
  });
});
