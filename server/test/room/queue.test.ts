/**
 * The queue and parties in the test process, over real WebSockets with the SDK: players queue,
 * groups go into one match room, a party lands together (in one war faction), and what a player
 * may not do gets a typed error.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ArenaError, ErrorCode, type ArenaClient, type Party, type QueueStatus, type RoomOf } from "@arena/client-sdk";
import { startRoomServer, type RoomServer } from "./support/room-server.js";

const within = <T>(promise: PromiseLike<T>, ms: number, what: string) =>
  Promise.race([Promise.resolve(promise), new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms))]);

async function rejection(promise: PromiseLike<unknown>): Promise<ArenaError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ArenaError, `an ArenaError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected a rejection");
}

describe("queue and parties (in-process server)", () => {
  let server: RoomServer;
  const open: Array<{ leave(): Promise<unknown> }> = [];

  before(async () => {
    server = await startRoomServer({
      QUEUE_CYCLE_MS: "100",
      QUEUE_FILL_AFTER_S: "1",
      QUEUE_PARTY_WAIT_S: "2",
      WAR_LOBBY_TIMEOUT_MS: "30000",
      RACE_LOBBY_TIMEOUT_MS: "30000",
      RACE_COUNTDOWN_MS: "100",
    });
  });
  after(async () => {
    await Promise.all(open.map((r) => r.leave().catch(() => undefined)));
    // the server's own shutdown closes its transport too
    await server?.drain();
    await server?.close();
  });

  const players = (names: string[]) => Promise.all(names.map((n) => server.player(n)));

  it("four racers queue and land in one match room, told the queue size and their wait meanwhile", async () => {
    const clients = await players(["ann", "ben", "cid", "dot"]);
    const options = { maxPlayers: 4, trackLength: 60 };
    const statuses: QueueStatus[] = [];
    const first = clients[0]!.queue("race", options);
    first.on("status", (s) => statuses.push(s));
    // the first waits alone for a few cycles: the status says so
    await new Promise((r) => setTimeout(r, 350));
    assert.ok(statuses.length >= 2, `statuses while alone: ${statuses.length}`);
    assert.equal(statuses.at(-1)!.queued, 1);
    assert.ok(statuses.at(-1)!.waitedMs > statuses[0]!.waitedMs, `waits ${statuses.map((s) => s.waitedMs)}`);
    assert.equal(statuses.at(-1)!.rating, 0, "a newcomer queues at the default ordinal");
    assert.equal(statuses.at(-1)!.party, null);
    const rooms = (await within(Promise.all([first, ...clients.slice(1).map((c) => c.queue("race", options))]), 5_000, "grouped")) as RoomOf<"race">[];
    open.push(...rooms);
    assert.equal(new Set(rooms.map((r) => r.roomId)).size, 1, "one match room for the group");
    await rooms[0]!.waitFor((s) => s.racers.size === 4 && s.phase !== "waiting", 5_000);
    for (const room of rooms) assert.equal(room.mode, "race");
  });

  it("a cancelled ticket leaves the queue and rejects with QUEUE_CANCELLED", async () => {
    const [eve] = await players(["eve"]);
    const ticket = eve!.queue("race", { maxPlayers: 4, trackLength: 61 });
    await new Promise<void>((resolve) => ticket.on("status", () => resolve()));
    await ticket.cancel();
    assert.equal((await rejection(ticket)).code, ErrorCode.QueueCancelled);
  });

  it("bad queue options get INVALID_OPTIONS before any queue is joined", async () => {
    const [fay] = await players(["fay"]);
    const error = await rejection(fay!.queue("war", { maxPlayers: 5, factions: 2 }));
    assert.equal(error.code, ErrorCode.InvalidOptions);
    assert.match(error.message, /multiple of factions/);
  });

  it("a lone war player waits past QUEUE_FILL_AFTER_S, then plays with bots in a room of their own", async () => {
    const [gil] = await players(["gil"]);
    const started = Date.now();
    const room = (await within(gil!.queue("war", { maxPlayers: 4, timeLimit: 5 }), 6_000, "bot fill")) as RoomOf<"war">;
    open.push(room);
    assert.ok(Date.now() - started >= 900, `sent after ${Date.now() - started} ms`);
    const state = await room.waitFor((s) => s.phase === "playing", 5_000);
    assert.equal(state.players.size, 4, "bots took the three free seats");
  });

  describe("parties", () => {
    let leader: ArenaClient;
    let party: Party;

    it("a party gets a six-character code; friends join with it (any case)", async () => {
      leader = await server.player("lead");
      party = await leader.createParty("war");
      open.push(party);
      assert.match(party.code, /^[A-Z2-9]{6}$/);
      assert.equal(party.state.maxSize, 6);
      assert.equal(party.state.members.length, 1);
      assert.equal(party.leader, party.state.members[0]!.playerId);
    });

    it("a party of 3 queues together and lands in one war faction", async () => {
      const [m1, m2] = await players(["mate1", "mate2"]);
      const p1 = await m1!.joinParty(party.code.toLowerCase());
      const p2 = await m2!.joinParty(` ${party.code} `);
      open.push(p1, p2);
      await within(party.ready, 1000, "ready");
      const followed = [p1, p2].map((p) => new Promise<RoomOf<"war">>((resolve, reject) => p.on("queue", (ticket) => (ticket as PromiseLike<RoomOf<"war">>).then(resolve, reject))));
      const options = { maxPlayers: 6, factions: 2, timeLimit: 5 };
      const leaderRoom = leader.queue("war", options);
      const solos = await players(["solo1", "solo2", "solo3"]);
      const soloRooms = solos.map((c) => c.queue("war", options));
      const rooms = (await within(Promise.all([leaderRoom, ...followed, ...soloRooms]), 6_000, "grouped")) as RoomOf<"war">[];
      open.push(...rooms);
      assert.equal(new Set(rooms.map((r) => r.roomId)).size, 1, "the party and the solos share one room");
      const state = await rooms[0]!.waitFor((s) => s.players.size === 6 && s.phase === "playing", 5_000);
      const factionOf = (room: RoomOf<"war">) => state.players.get(room.sessionId)?.faction;
      const partyFactions = new Set(rooms.slice(0, 3).map(factionOf));
      const soloFactions = new Set(rooms.slice(3).map(factionOf));
      assert.equal(partyFactions.size, 1, `the party is in one faction: ${[...partyFactions]}`);
      assert.equal(soloFactions.size, 1, "the solos fill the other");
      assert.notDeepEqual([...partyFactions], [...soloFactions]);
    });

    it("typed errors: unknown code, full party, a second party, kicking someone not in it, a follower queueing first", async () => {
      const [a, b] = await players(["pa", "pb"]);
      assert.equal((await rejection(a!.joinParty("ZZZZZZ"))).code, ErrorCode.PartyNotFound);
      assert.equal((await rejection(a!.joinParty("not a code"))).code, ErrorCode.InvalidOptions);
      assert.equal((await rejection(a!.createParty("nope" as never))).code, ErrorCode.InvalidOptions);

      const small = await a!.createParty("dice");
      open.push(small);
      assert.equal(small.state.maxSize, 3);
      assert.equal((await rejection(a!.createParty("dice"))).code, ErrorCode.AlreadyInParty, "one party per player");
      const joined = await b!.joinParty(small.code);
      open.push(joined);
      const [c, d, e] = await players(["pc", "pd", "pe"]);
      open.push(await c!.joinParty(small.code));
      assert.equal((await rejection(d!.joinParty(small.code))).code, ErrorCode.PartyFull);
      const other = await e!.createParty("dice");
      open.push(other);
      assert.equal((await rejection(e!.joinParty(small.code))).code, ErrorCode.AlreadyInParty, "in another party");

      assert.equal((await rejection(small.kick("00000000-0000-4000-8000-000000000000"))).code, ErrorCode.NotInParty);
      assert.equal((await rejection(joined.kick(small.leader))).code, ErrorCode.NotPartyLeader);
      assert.equal((await rejection(b!.queue("dice", {}))).code, ErrorCode.NotPartyLeader, "the leader starts the party's queue");
      assert.equal((await rejection(a!.queue("war", {}))).code, ErrorCode.InvalidOptions, "a dice party queues for dice");
      assert.equal((await rejection(a!.queue("dice", { maxPlayers: 2 }))).code, ErrorCode.PartyTooLarge);
    });

    it("the leader kicks a member; a leader who leaves hands the party to the next member; the last one out ends it", async () => {
      const [a, b, c] = await players(["ka", "kb", "kc"]);
      const pa = await a!.createParty("race");
      const pb = await b!.joinParty(pa.code);
      const pc = await c!.joinParty(pa.code);
      const kicked = new Promise((resolve) => pc.on("kicked", resolve));
      await pa.kick(pc.state.members[2]!.playerId);
      assert.deepEqual(await within(kicked, 2_000, "kicked event"), { by: pa.leader });
      await within(new Promise<void>((resolve) => (pc.room.connection?.isOpen ? pc.on("closed", () => resolve()) : resolve())), 2_000, "kicked member closed");

      const bId = pb.state.members[1]!.playerId;
      const handed = new Promise<void>((resolve) => pb.on("update", (s) => s.leader === bId && s.members.length === 1 && resolve()));
      await pa.leave();
      await within(handed, 2_000, "leadership passed");
      // the kicked and the departed are free to make parties of their own
      open.push(await c!.createParty("race"), await a!.createParty("race"));
      const code = pb.code;
      await pb.leave();
      // the room ends with its last member, and its record with it
      await new Promise((r) => setTimeout(r, 300));
      const [late] = await players(["late"]);
      assert.equal((await rejection(late!.joinParty(code))).code, ErrorCode.PartyNotFound, "an empty party expires");
    });
  });
});
