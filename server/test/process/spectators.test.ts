/**
 * Live spectating against a real server process: `GET /rooms` (filters, validation, pagination),
 * the token a spectator needs, `SPECTATOR_DELAY_S` (a spectator's race runs that far behind the
 * players' and ends that much later), and the per-room and per-node limits with their typed errors.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ArenaError, ErrorCode, connect, type HttpErrorBody, type RaceRoom, type RoomSummary, type RoomsResponse, type WarRoom } from "@arena/client-sdk";
import { eventually, wait } from "../support/browser.js";
import { player } from "../support/players.js";
import { startServer, type ServerProcess } from "../support/server-process.js";

const DELAY_S = 2;
const PER_ROOM = 2;
const PER_NODE = 3;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe("spectators and GET /rooms on a real server", () => {
  let server: ServerProcess;
  const open: Array<{ leave(): Promise<unknown> }> = [];

  before(async () => {
    server = await startServer({
      env: {
        SPECTATOR_DELAY_S: String(DELAY_S),
        MAX_SPECTATORS_PER_ROOM: String(PER_ROOM),
        MAX_SPECTATORS_PER_NODE: String(PER_NODE),
        WAR_LOBBY_TIMEOUT_MS: "200",
        RACE_LOBBY_TIMEOUT_MS: "300",
      },
    });
  });
  after(async () => {
    await Promise.all(open.map((room) => room.leave().catch(() => undefined)));
    await server?.stop();
  });

  const get = <T>(path: string) => server.get<T>(path);

  /** A war of one human and a bot, running at once; distinct time limits keep wars in rooms of their own. */
  async function war(name: string, timeLimit: number): Promise<WarRoom> {
    const room = await (await player(server.url, name)).joinWar({ maxPlayers: 2, timeLimit });
    open.push(room);
    await room.waitFor((s) => s.phase === "playing", 10_000);
    return room;
  }

  async function refusal(attempt: Promise<unknown>): Promise<ArenaError> {
    try {
      await attempt;
    } catch (error) {
      return ArenaError.from(error);
    }
    assert.fail("the spectator was let in");
  }

  it("lists rooms with typed 400s for bad queries, filters by mode and phase, and pages", async () => {
    for (const query of ["limit=0", "limit=101", "limit=ten", "offset=-1", "phase=playing", "mode=RACE", "mode=chess", "colour=red"]) {
      const { status, body } = await get<HttpErrorBody>(`/rooms?${query}`);
      assert.equal(status, 400, query);
      assert.equal(body.code, ErrorCode.InvalidQuery, query);
    }
    assert.equal((await get<HttpErrorBody>("/rooms/not%20an%20id")).status, 400);
    const unknown = await get<HttpErrorBody>("/rooms/NoSuchRoom1");
    assert.deepEqual([unknown.status, unknown.body.code], [404, ErrorCode.NotFound]);

    // three race lobbies (one racer each, so none starts) and a running war
    const lobbies: RaceRoom[] = [];
    for (const trackLength of [510, 520, 530]) {
      const room = await (await player(server.url, `waiting-${trackLength}`)).joinRace({ trackLength, maxPlayers: 4 });
      open.push(room);
      lobbies.push(room);
    }
    const running = await war("lister", 30);
    const ids = lobbies.map((r) => r.roomId).sort();

    const all = await get<RoomsResponse>("/rooms?mode=race&phase=lobby&limit=100");
    assert.equal(all.status, 200);
    assert.deepEqual(all.body.rooms.map((r) => r.roomId).sort(), ids, "exactly the race lobbies");
    for (const room of all.body.rooms) {
      assert.deepEqual({ ...room, roomId: "" }, { roomId: "", mode: "race", phase: "lobby", players: 1, seats: 4, spectators: 0, startedAt: null });
    }
    const first = await get<RoomsResponse>("/rooms?mode=race&phase=lobby&limit=2");
    const second = await get<RoomsResponse>("/rooms?mode=race&phase=lobby&limit=2&offset=2");
    assert.deepEqual([first.body.total, first.body.limit, first.body.offset, first.body.rooms.length], [3, 2, 0, 2]);
    assert.deepEqual([second.body.total, second.body.offset, second.body.rooms.length], [3, 2, 1]);
    assert.deepEqual([...first.body.rooms, ...second.body.rooms], all.body.rooms, "the pages split the list in order, without overlap");

    const wars = await get<RoomsResponse>("/rooms?mode=war&phase=running");
    const listed = wars.body.rooms.find((r) => r.roomId === running.roomId);
    assert.ok(listed, "the running war is listed");
    assert.equal(listed.seats, 2);
    assert.ok(listed.startedAt !== null && Date.parse(listed.startedAt) <= Date.now());
    assert.ok(!(await get<RoomsResponse>("/rooms?phase=lobby&limit=100")).body.rooms.some((r) => r.roomId === running.roomId), "a running war is no lobby");
    assert.deepEqual((await get<RoomSummary>(`/rooms/${running.roomId}`)).body, listed);
    await Promise.all([...lobbies, running].map((r) => r.leave()));
  });

  it("wants a player token to spectate: 401 without one, 400 for bad options, 404 for no such match", async () => {
    const target = await war("watched-by-nobody", 31);
    const matchmake = async (body: unknown, token?: string) => {
      const res = await fetch(`${server.url}/matchmake/joinOrCreate/spectate`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
      return { status: res.status, error: ((await res.json()) as { error: string }).error };
    };
    const anonymous = await matchmake({ matchRoomId: target.roomId });
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.error, /^UNAUTHORIZED: /);
    assert.equal((await matchmake({ matchRoomId: target.roomId }, "not.a.token")).status, 401);
    const sdk = await refusal(connect(server.url).spectate(target.roomId, "war"));
    assert.equal(sdk.code, ErrorCode.Unauthorized);

    const token = (await player(server.url, "bad-options")).token!;
    const bad = await matchmake({ roomId: target.roomId }, token);
    assert.equal(bad.status, 400);
    assert.match(bad.error, /^INVALID_OPTIONS: /);
    const missing = await matchmake({ matchRoomId: "NoSuchRoom1" }, token);
    assert.equal(missing.status, 404);
    assert.match(missing.error, /^NOT_FOUND: /);
    assert.equal((await get<RoomSummary>(`/rooms/${target.roomId}`)).body.spectators, 0, "no refused spectator counts");
    await target.leave();
  });

  it("lets the spectators of a lobby go when it closes without a match", async () => {
    const racer = await (await player(server.url, "early")).joinRace({ trackLength: 540, maxPlayers: 4 });
    const spectator = await (await player(server.url, "lobby-watcher")).spectate(racer.roomId, "race");
    open.push(racer, spectator);
    await spectator.waitFor((s) => s.racers.size === 1, 5_000);
    const closed = new Promise<number>((resolve) => spectator.onLeave(resolve));
    await racer.leave();
    const code = await Promise.race([closed, wait(5_000).then(() => -1)]);
    assert.notEqual(code, -1, "the spectator's connection closed with the lobby");
  });

  it(`shows spectators the race ${DELAY_S} s behind the players, to an end ${DELAY_S} s later`, async () => {
    const options = { trackLength: 120, maxPlayers: 2, lanes: 2 };
    const racers = [await (await player(server.url, "fast")).joinRace(options)];
    racers.push(await (await player(server.url, "faster")).joinRace(options));
    open.push(...racers);
    const [ada] = racers as [RaceRoom, RaceRoom];
    await ada.waitFor((s) => s.phase === "countdown" || s.phase === "racing", 10_000);
    const spectator = await (await player(server.url, "delayed")).spectate(ada.roomId, "race");
    open.push(spectator);
    const endedAt: Record<string, number> = {};
    const ends = [ada, spectator].map((room, i) => room.next("finished", 60_000).then((payload) => ((endedAt[i === 0 ? "player" : "spectator"] = Date.now()), payload)));
    ends.forEach((p) => p.catch(() => undefined));

    const drive = racers.map((r) => setInterval(() => r.send("input", { throttle: 1, steer: 0, boost: false }), 100));
    const lags: number[] = [];
    const sampler = setInterval(() => {
      const played = ada.state.elapsedMs;
      const seen = spectator.state?.elapsedMs ?? 0;
      if (ada.state.phase === "racing" && spectator.state?.phase === "racing" && seen > 0) lags.push(played - seen);
    }, 100);
    try {
      // before the delay is up the spectator still sees the lobby
      assert.notEqual(spectator.state.phase, "racing");
      const [played, watched] = await Promise.all(ends);
      assert.deepEqual(watched, played, "the spectator's result is the players' result");
    } finally {
      drive.forEach(clearInterval);
      clearInterval(sampler);
    }
    const lag = median(lags);
    const endLag = endedAt.spectator! - endedAt.player!;
    console.log(`# spectator lag: state ${lag} ms (median of ${lags.length} samples), end ${endLag} ms; SPECTATOR_DELAY_S=${DELAY_S}`);
    assert.ok(lags.length >= 5, "the race ran long enough to compare");
    // patches come every 100 ms to both, and two cores are shared: a few hundred ms of slack
    assert.ok(Math.abs(lag - DELAY_S * 1000) < 400, `state lag ${lag} ms`);
    assert.ok(Math.abs(endLag - DELAY_S * 1000) < 600, `end lag ${endLag} ms`);
    assert.deepEqual(spectator.state.finishOrder.toArray(), ada.state.finishOrder.toArray());
    await Promise.all([...racers, spectator].map((r) => r.leave()));
  });

  it(`refuses spectators over ${PER_ROOM} a match or ${PER_NODE} a node with SPECTATORS_FULL, and counts the ones who left out`, async () => {
    const first = await war("first", 40);
    const second = await war("second", 41);
    const watch = async (room: WarRoom, name: string) => {
      const spectator = await (await player(server.url, name)).spectate(room.roomId, "war");
      open.push(spectator);
      await spectator.waitFor((s) => s.zones.length > 0, 5_000);
      return spectator;
    };
    const spectators = [await watch(first, "s1"), await watch(first, "s2")];
    const roomFull = await refusal(watch(first, "s3"));
    assert.equal(roomFull.code, ErrorCode.SpectatorsFull);
    assert.match(roomFull.message, /match/);
    spectators.push(await watch(second, "s4"));
    const nodeFull = await refusal(watch(second, "s5"));
    assert.equal(nodeFull.code, ErrorCode.SpectatorsFull);
    assert.match(nodeFull.message, /node/);

    const counted = async (room: WarRoom) => (await get<RoomSummary>(`/rooms/${room.roomId}`)).body.spectators;
    assert.deepEqual([await counted(first), await counted(second)], [2, 1], "one mirror per match, refused spectators not in it");

    // a spectator who leaves frees a place on the node, and only one
    await spectators.shift()!.leave();
    await eventually("the leaver to be counted out", async () => ((await counted(first)) === 1 ? true : undefined));
    spectators.push(await watch(second, "s6"));
    assert.equal((await refusal(watch(first, "s7"))).code, ErrorCode.SpectatorsFull);
    assert.deepEqual([await counted(first), await counted(second)], [1, 2]);
    await Promise.all([...spectators, first, second].map((r) => r.leave()));
  });
});
