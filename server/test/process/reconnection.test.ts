import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type RaceRoom } from "@arena/client-sdk";
import { player } from "../support/players.js";
import { startServer, type ServerProcess } from "../support/server-process.js";

const WINDOW_SECONDS = 2;

describe(`reconnection (window ${WINDOW_SECONDS} s, on ${process.version})`, () => {
  let server: ServerProcess;
  before(async () => {
    server = await startServer({ env: { RECONNECT_WINDOW_S: String(WINDOW_SECONDS) } });
  });
  after(async () => {
    await server.stop();
  });

  async function raceOfTwo(trackLength: number): Promise<[RaceRoom, RaceRoom]> {
    const options = { trackLength, maxPlayers: 2 };
    const a = await (await player(server.url, "steady")).joinRace(options);
    const b = await (await player(server.url, "flaky")).joinRace(options);
    await a.waitFor((s) => s.phase === "racing");
    return [a, b];
  }

  it("a dropped racer who comes back within the window keeps the seat and races on", async () => {
    const [steady, flaky] = await raceOfTwo(200);
    const sessionId = flaky.sessionId;
    const token = flaky.reconnectionToken;
    await flaky.leave(false); // connection lost, not a consented leave
    await steady.waitFor((s) => s.racers.get(sessionId)?.connected === false);
    assert.equal(steady.state.racers.get(sessionId)!.dnf, false);

    const back = await (await player(server.url, "returning")).reconnect("race", token);
    assert.equal(back.sessionId, sessionId);
    await steady.waitFor((s) => s.racers.get(sessionId)?.connected === true);
    const timer = setInterval(() => back.send("input", { throttle: 1, steer: 0, boost: false }), 50);
    await back.waitFor((s) => s.racers.get(sessionId)!.position > 5, 5_000);
    clearInterval(timer);
    assert.equal(back.state.racers.get(sessionId)!.dnf, false);
    await Promise.all([steady.leave(), back.leave()]);
  });

  it("after the window the seat is gone: the racer is DNF and the token is refused", async () => {
    const [steady, flaky] = await raceOfTwo(200);
    const sessionId = flaky.sessionId;
    const token = flaky.reconnectionToken;
    await flaky.leave(false);
    await steady.waitFor((s) => s.racers.get(sessionId)?.dnf === true, (WINDOW_SECONDS + 3) * 1000);
    await assert.rejects((await player(server.url, "returning")).reconnect("race", token));
    await steady.leave();
  });
});
