import assert from "node:assert/strict";
import { describe, it } from "node:test";
import * as z from "zod/mini";
import { ErrorCode } from "@arena/shared";
import { MessageGate } from "../../src/kit/message-gate.js";

const schemas = { move: z.strictObject({ to: z.int() }), chat: z.string() };

describe("message gate", () => {
  it("passes a valid message with its parsed payload, and refuses unknown types and bad payloads with typed errors", () => {
    const gate = new MessageGate({ messagesPerSecond: 10, strikes: 3 }, schemas);
    const client = {};
    assert.deepEqual(gate.check(client, "move", { to: 3 }, 0), { kind: "pass", type: "move", payload: { to: 3 } });
    const unknown = gate.check(client, "fly", {}, 0);
    assert.equal(unknown.kind === "refuse" && unknown.error.code, ErrorCode.UnknownMessage);
    const bad = gate.check(client, "move", { to: "north" }, 0);
    assert.equal(bad.kind === "refuse" && bad.error.code, ErrorCode.InvalidMessage);
    assert.equal(bad.kind === "refuse" && bad.error.cause, "move");
    const extra = gate.check(client, "move", { to: 1, teleport: true }, 0);
    assert.equal(extra.kind, "refuse", "strict payloads refuse unknown keys");
  });

  it("limits each client on its own: a burst of twice the rate, a warning a second, disconnect after the strikes", () => {
    const gate = new MessageGate({ messagesPerSecond: 5, strikes: 2 }, schemas);
    const flooder = {};
    const calm = {};
    const verdicts = Array.from({ length: 12 }, () => gate.check(flooder, "chat", "hi", 0).kind);
    assert.deepEqual(verdicts.slice(0, 10), Array(10).fill("pass"));
    assert.deepEqual(verdicts.slice(10), ["warn", "drop"]);
    assert.equal(gate.check(calm, "chat", "hi", 0).kind, "pass", "another client is not affected");
    assert.equal(gate.check(flooder, "chat", "hi", 100).kind, "drop");
    assert.equal(gate.check(flooder, "chat", "hi", 1000).kind, "pass", "the bucket refills");
    // five tokens came back in that second; the flood goes on and earns the second strike
    const later = Array.from({ length: 6 }, () => gate.check(flooder, "chat", "hi", 1000).kind);
    assert.deepEqual(later, ["pass", "pass", "pass", "pass", "disconnect", "drop"]);
  });

  it("gives a message type its own tighter rate", () => {
    const gate = new MessageGate({ messagesPerSecond: 30, strikes: 3 }, schemas, { move: 1 / 3 });
    const client = {};
    const passed = Array.from({ length: 30 }, () => gate.check(client, "move", { to: 1 }, 0)).filter((v) => v.kind === "pass").length;
    assert.equal(passed, 20, "bursts of twice 10 moves a second");
    assert.equal(gate.check(client, "chat", "still fine", 0).kind, "pass");
  });
});
