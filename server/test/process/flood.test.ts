import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ErrorCode } from "@arena/client-sdk";
import { player } from "../support/players.js";
import { startServer, type ServerProcess } from "../support/server-process.js";

describe("a flooding client is cut off; the others play on", () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.stop();
  });

  it("1,000 messages a second: warned, then disconnected, while another racer's inputs apply within a tick", async () => {
    const options = { trackLength: 3000, maxPlayers: 2 };
    const flooder = await (await player(server.url, "flooder")).joinRace(options);
    const steady = await (await player(server.url, "steady")).joinRace(options);
    await steady.waitFor((s) => s.phase === "racing");

    const warnings: string[] = [];
    flooder.onError((e) => warnings.push(e.code));
    const closed = new Promise<number>((resolve) => flooder.onLeave(resolve));
    const flood = setInterval(() => {
      for (let i = 0; i < 10; i++) flooder.send("input", { throttle: 1, steer: 0, boost: true });
    }, 10);

    // the steady racer drives and changes lane now and then; each change must show up within two ticks and a patch
    const me = () => steady.state.racers.get(steady.sessionId)!;
    const drive = setInterval(() => steady.send("input", { throttle: 1, steer: 0, boost: false }), 100);
    const lagsMs: number[] = [];
    try {
    for (let i = 0; i < 6; i++) {
      const lane = me().lane;
      const steer = lane === 0 ? 1 : -1;
      const sentAt = Date.now();
      steady.send("input", { throttle: 1, steer, boost: false });
      await steady.waitFor((s) => s.racers.get(steady.sessionId)!.lane === lane + steer, 2_000);
      lagsMs.push(Date.now() - sentAt);
      await new Promise((r) => setTimeout(r, 400));
    }
    } finally {
      clearInterval(flood);
      clearInterval(drive);
    }
    const code = await Promise.race([closed, new Promise<number>((_, reject) => setTimeout(() => reject(new Error("flooder still connected")), 10_000))]);

    assert.equal(code, 4002, "closed with WITH_ERROR");
    assert.ok(warnings.includes(ErrorCode.RateLimited), "warned with RATE_LIMITED before the cut");
    assert.ok(Math.max(...lagsMs) < 400, `lane changes applied within a tick or two (${lagsMs.join(", ")} ms)`);
    assert.ok(me().position > 20, "the steady racer kept moving");
    assert.equal(me().connected, true);
    await steady.leave();
  });

  it("a message type with its own rate (war moves) is limited below the client's overall budget", async () => {
    const mover = await (await player(server.url, "restless")).joinWar({ maxPlayers: 2, timeLimit: 60 });
    const codes: string[] = [];
    mover.onError((e) => codes.push(e.code));
    // 25 moves a second is under the overall 30/s but over the 10/s a move may come
    const timer = setInterval(() => mover.send("move", { to: 0 }), 40);
    await new Promise((r) => setTimeout(r, 2_500));
    clearInterval(timer);
    assert.ok(codes.includes(ErrorCode.RateLimited), `codes: ${[...new Set(codes)].join(", ")}`);
    await mover.leave();
  });
});
