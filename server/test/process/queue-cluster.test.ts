/**
 * Parties and the queue across two real server processes on one Redis: a party made through node A
 * is joined through node B, survives a member's dropped connection, queues as one, and lands with
 * players queued through the other node in one match room, in one war faction.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ArenaError, ErrorCode, type Party, type RoomOf } from "@arena/client-sdk";
import { isolatedRedisUrl, startNode, type Node } from "../support/cluster.js";
import { player } from "../support/players.js";
import { freePort } from "../support/server-process.js";

const within = <T>(promise: PromiseLike<T>, ms: number, what: string) =>
  Promise.race([Promise.resolve(promise), new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms))]);

const until = (party: Party, predicate: (p: Party) => boolean, what: string) =>
  within(new Promise<void>((resolve) => (predicate(party) ? resolve() : party.on("update", () => predicate(party) && resolve()))), 5_000, what);

describe("parties and the queue on two nodes", () => {
  let a: Node;
  let b: Node;
  const open: Array<{ leave(): Promise<unknown> }> = [];

  before(async () => {
    const redisUrl = isolatedRedisUrl(13);
    const env = { QUEUE_CYCLE_MS: "200", QUEUE_FILL_AFTER_S: "30", WAR_LOBBY_TIMEOUT_MS: "30000", RECONNECT_WINDOW_S: "10", DRAIN_GRACE_S: "1" };
    a = await startNode(redisUrl, { ...env, PORT: String(await freePort()), NODE_ID: "node-a" });
    b = await startNode(redisUrl, { ...env, PORT: String(await freePort()), NODE_ID: "node-b" });
  });
  after(async () => {
    await Promise.all(open.map((r) => r.leave().catch(() => undefined)));
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it("a party made on A is joined through B, survives a drop, queues as one and lands in one faction", async () => {
    const leader = await player(a.url, "lead");
    const viaB = await player(b.url, "mate-b");
    const viaA = await player(a.url, "mate-a");
    const party = await leader.createParty("war");
    const mateB = await viaB.joinParty(party.code);
    const mateA = await viaA.joinParty(party.code);
    open.push(party, mateB, mateA);
    await until(party, (p) => p.state.members.length === 3, "three members seen by the leader");
    assert.equal(mateB.state.code, party.code);

    // one party per player holds across nodes
    const again = await viaB.createParty("war").then(
      () => assert.fail("a second party"),
      (error: unknown) => error,
    );
    assert.ok(again instanceof ArenaError && again.code === ErrorCode.AlreadyInParty, String(again));

    // a dropped member is shown as disconnected, and is back in the party after reconnecting (through B, to the room on A)
    const token = mateB.reconnectionToken;
    const mateBId = mateB.state.members[1]!.playerId;
    await mateB.room.leave(false);
    await until(party, (p) => p.state.members.find((m) => m.playerId === mateBId)?.connected === false, "shown as dropped");
    const back = await viaB.reconnectParty(token);
    open.push(back);
    await until(party, (p) => p.state.members.length === 3 && p.state.members.every((m) => m.connected), "back in the party");

    // the leader queues through A; the others follow on their own nodes; three solos queue through B
    const options = { maxPlayers: 6, factions: 2, timeLimit: 5 };
    const followed = [back, mateA].map((p) => new Promise<RoomOf<"war">>((resolve, reject) => p.on("queue", (ticket) => (ticket as PromiseLike<RoomOf<"war">>).then(resolve, reject))));
    const leaderTicket = leader.queue("war", options);
    const solos = await Promise.all(["s1", "s2", "s3"].map((n) => player(b.url, n)));
    const soloTickets = solos.map((c) => c.queue("war", options));
    const rooms = (await within(Promise.all([leaderTicket, ...followed, ...soloTickets]), 15_000, "grouped")) as RoomOf<"war">[];
    open.push(...rooms);
    assert.equal(new Set(rooms.map((r) => r.roomId)).size, 1, "one match room for all six");
    const state = await rooms[0]!.waitFor((s) => s.players.size === 6 && s.phase === "playing", 10_000);
    const factions = rooms.map((r) => state.players.get(r.sessionId)?.faction);
    assert.equal(new Set(factions.slice(0, 3)).size, 1, `the party in one faction: ${factions}`);
    assert.equal(new Set(factions.slice(3)).size, 1, `the solos in the other: ${factions}`);
    assert.notEqual(factions[0], factions[3]);

    // one queue served the players of both nodes
    const queues = [...a.logs, ...b.logs].filter((l) => l.msg === "queue created");
    assert.equal(queues.length, 1, "one war queue for these options across the two nodes");
  });

  it("a party code is unknown on both nodes once its last member has left", async () => {
    const host = await player(a.url, "host");
    const party = await host.createParty("race");
    const code = party.code;
    await party.leave();
    const stranger = await player(b.url, "stranger");
    let lastCode: string | undefined;
    for (let attempt = 0; attempt < 20 && lastCode !== ErrorCode.PartyNotFound; attempt++) {
      lastCode = await stranger.joinParty(code).then(
        async (joined) => {
          await joined.leave();
          return "JOINED";
        },
        (error: unknown) => (error instanceof ArenaError ? error.code : String(error)),
      );
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(lastCode, ErrorCode.PartyNotFound);
  });
});
