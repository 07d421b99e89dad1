import assert from "node:assert/strict";
import { after, before, beforeEach, describe, it } from "node:test";
import { initializeRoomCache, type IRoomCache, type SortOptions } from "@colyseus/core";
import { RedisDriver } from "@colyseus/redis-driver";
import { Rng } from "@arena/shared/kit/random";
import type { Redis } from "ioredis";
import { ClusterDriver, ROOMCACHES_KEY, openKey } from "../../src/cluster/cluster-driver.js";
import { connectRedis } from "../../src/cluster/redis-link.js";
import { RedisServer } from "../support/redis-server.js";

// A redis-server of this file's own: `roomcaches` is a fixed key name, so a shared Redis would mix
// these listings with those of tests running beside them.

const live = () => true;

/** What Colyseus' `findOneRoomAvailable` asks the driver for. */
const joinable = (name: string, filters: Record<string, unknown> = {}) => ({ locked: false, name, private: false, ...filters }) as Partial<IRoomCache>;

const listing = (roomId: string, fields: Partial<IRoomCache> = {}) =>
  initializeRoomCache({ roomId, name: "race", processId: "proc-a", maxClients: 8, metadata: { trackLength: 1000 }, ...fields });

async function hashIds(client: Redis, key: string): Promise<string[]> {
  return (await client.hkeys(key)).sort();
}

/** The invariant: each room name's index holds exactly the joinable listings of `roomcaches`, byte for byte. */
async function assertIndexMatches(client: Redis, names: readonly string[]) {
  const all = await client.hgetall(ROOMCACHES_KEY);
  for (const name of names) {
    const expected = Object.fromEntries(
      Object.entries(all).filter(([, json]) => {
        // joinable as Colyseus reads a listing back: what `findOneRoomAvailable` asks for
        const room = initializeRoomCache(JSON.parse(json) as Partial<IRoomCache>);
        return room.name === name && room.locked === false && room.private === false;
      }),
    );
    assert.deepEqual(await client.hgetall(openKey(name)), expected, `index of ${name}`);
  }
}

/** Reply bytes Redis sent while `run` ran (this file's Redis: nothing else talks to it). */
async function replyBytes(redis: RedisServer, run: () => Promise<unknown>): Promise<number> {
  const out = () => Number(/total_net_output_bytes:(\d+)/.exec(redis.cli("info", "stats").stdout)?.[1]);
  // a reading's own INFO reply is counted by the next reading: the size of one is taken off
  const first = out();
  const infoReply = out() - first;
  const before = out();
  await run();
  return out() - before - infoReply;
}

const ids = (rooms: IRoomCache[]) => rooms.map((r) => r.roomId);

describe("the index of joinable listings (arena:open:<roomName>)", () => {
  let redis: RedisServer;
  let client: Redis;

  before(async () => {
    redis = await RedisServer.start();
    client = connectRedis(redis.url());
    // RedisLink listens in the server; here the errors of a killed Redis are expected
    client.on("error", () => {});
  });
  beforeEach(async () => {
    await client.flushdb();
  });
  after(async () => {
    client?.disconnect();
    await redis?.kill();
  });

  it("follows a room from open to full, unlocked, private, public and removed, as Colyseus' room writes it", async () => {
    const driver = new ClusterDriver(client, live);
    const room = listing("r1", { maxClients: 2 });
    assert.equal(await driver.insert(room), true);
    assert.deepEqual(await hashIds(client, openKey("race")), ["r1"]);
    // a join: Colyseus' Room increments `clients` with the lock state in one update
    await driver.update(room, { $inc: { clients: 1 }, $set: { locked: false } });
    assert.equal(JSON.parse((await client.hget(openKey("race"), "r1"))!).clients, 1, "the index holds the current listing");
    assert.equal((await driver.findOne(joinable("race")))?.clients, 1);
    // full: locked, out of the index, still listed
    await driver.update(room, { $inc: { clients: 1 }, $set: { locked: true } });
    assert.deepEqual(await hashIds(client, openKey("race")), []);
    assert.equal(await client.exists(openKey("race")), 0, "an empty index hash is gone");
    assert.deepEqual(await hashIds(client, ROOMCACHES_KEY), ["r1"]);
    assert.equal(await driver.findOne(joinable("race")), undefined);
    assert.equal((await driver.findOne({ roomId: "r1" }))?.locked, true, "joinById and reconnection still find it");
    // a player leaves: unlocked, back in the index
    await driver.update(room, { $inc: { clients: -1 }, $set: { locked: false } });
    assert.equal((await driver.findOne(joinable("race")))?.roomId, "r1");
    // private (Room.setPrivate persists), then public again
    room.private = true;
    await driver.persist(room);
    assert.equal(await driver.findOne(joinable("race")), undefined);
    assert.deepEqual(ids(await driver.query({ name: "race" })), ["r1"], "other queries still see private rooms");
    room.private = false;
    await driver.persist(room);
    assert.equal((await driver.findOne(joinable("race")))?.roomId, "r1");
    // metadata changes reach the index too (Room.setMetadata persists)
    room.metadata = { trackLength: 2000 };
    await driver.persist(room);
    assert.equal((await driver.findOne(joinable("race", { trackLength: 2000 })))?.roomId, "r1");
    assert.equal(await driver.findOne(joinable("race", { trackLength: 1000 })), undefined);
    await assertIndexMatches(client, ["race"]);
    // disposed
    assert.equal(await driver.remove("r1"), true);
    assert.equal(await driver.remove("r1"), false, "as Colyseus' driver: false when nothing was listed");
    assert.deepEqual(await client.keys("*"), ["arena:room-claim:r1"], "nothing left but the claim, which expires");
    assert.ok((await client.ttl("arena:room-claim:r1")) > 0);
  });

  it("cleanup of a dead process removes its listings from both keys, though its heartbeat lapsed", async () => {
    const dead = new Set(["proc-dead"]);
    const driver = new ClusterDriver(client, (id) => !dead.has(id));
    for (let i = 0; i < 3; i++) await driver.persist(listing(`dead-${i}`, { processId: "proc-dead", name: i === 2 ? "quiz" : "race" }), true);
    await driver.persist(listing("dead-running", { processId: "proc-dead", locked: true }), true);
    await driver.persist(listing("alive-1", { processId: "proc-alive" }), true);
    await driver.persist(listing("alive-running", { processId: "proc-alive", locked: true }), true);
    // an index entry without a listing, as a node of an older build's cleanup would leave one
    await client.hset(openKey("race"), "orphan", JSON.stringify(listing("orphan", { processId: "proc-dead" })));
    await driver.cleanup("proc-dead");
    assert.deepEqual(await hashIds(client, ROOMCACHES_KEY), ["alive-1", "alive-running"]);
    assert.deepEqual(await hashIds(client, openKey("race")), ["alive-1"]);
    assert.equal(await client.exists(openKey("quiz")), 0);
    await assertIndexMatches(client, ["race", "quiz"]);

    // Colyseus' own driver, behind the same liveness filter, removed nothing: its cleanup goes through `query`
    class OldClusterDriver extends RedisDriver {
      override async query(conditions: Partial<IRoomCache>, sortOptions?: SortOptions) {
        return (await super.query(conditions, sortOptions)).filter((room) => !dead.has(room.processId));
      }
    }
    await driver.persist(listing("dead-3", { processId: "proc-dead" }), true);
    await new OldClusterDriver(client).cleanup("proc-dead");
    assert.ok((await hashIds(client, ROOMCACHES_KEY)).includes("dead-3"), "the bug this cleanup fixes");
  });

  it("two nodes on one Redis see and update each other's rooms", async () => {
    const other = connectRedis(redis.url());
    try {
      const [a, b] = [new ClusterDriver(client, live), new ClusterDriver(other, live)];
      const onA = listing("on-a", { processId: "proc-a", maxClients: 2 });
      await a.insert(onA);
      await b.insert(listing("on-b", { processId: "proc-b", name: "quiz" }));
      assert.equal((await b.findOne(joinable("race")))?.processId, "proc-a");
      assert.equal((await a.findOne(joinable("quiz")))?.processId, "proc-b");
      await a.update(onA, { $inc: { clients: 2 }, $set: { locked: true } });
      assert.equal(await b.findOne(joinable("race")), undefined, "full on A: B stops offering it");
      // B cleans up A (A's health check failed), A was only slow and writes again: listed and joinable again
      await b.cleanup("proc-a");
      assert.equal(await b.findOne({ roomId: "on-a" }), undefined);
      await a.update(onA, { $inc: { clients: -1 }, $set: { locked: false } });
      assert.equal((await b.findOne(joinable("race")))?.roomId, "on-a");
      await assertIndexMatches(client, ["race", "quiz"]);
    } finally {
      other.disconnect();
    }
  });

  it("a join with 200 running rooms and 2 open ones reads the 2 open listings, not the 202", async () => {
    const driver = new ClusterDriver(client, live);
    const plain = new RedisDriver(client);
    for (let i = 0; i < 200; i++) await driver.persist(listing(`running-${i}`, { locked: true, clients: 8, metadata: { trackLength: 1000, phase: "racing" } }), true);
    await driver.persist(listing("open-1", { clients: 3 }), true);
    await driver.persist(listing("open-2", { clients: 5 }), true);
    assert.deepEqual(await hashIds(client, openKey("race")), ["open-1", "open-2"]);
    const sort: SortOptions = { clients: -1 };
    assert.equal((await driver.findOne(joinable("race", { trackLength: 1000 }), sort))?.roomId, "open-2");
    assert.equal((await plain.findOne(joinable("race", { trackLength: 1000 }), sort))?.roomId, "open-2", "as Colyseus' driver answers");

    const listingBytes = (await client.hstrlen(ROOMCACHES_KEY, "open-1")) + 10;
    const indexed = await replyBytes(redis, () => driver.findOne(joinable("race"), sort));
    const fullScan = await replyBytes(redis, () => plain.findOne(joinable("race"), sort));
    console.log(`# one join's reply: ${indexed} B from the index, ${fullScan} B from roomcaches (202 listings of ≈ ${listingBytes} B)`);
    assert.ok(indexed < 3 * listingBytes, `${indexed} B: about two listings`);
    assert.ok(fullScan > 200 * listingBytes * 0.9, `${fullScan} B: every listing`);

    // joins arriving together share one read, as they do in Colyseus' driver
    const calls = () => Number(/cmdstat_hgetall:calls=(\d+)/.exec(redis.cli("info", "commandstats").stdout)?.[1] ?? 0);
    const from = calls();
    const found = await Promise.all(Array.from({ length: 10 }, () => driver.findOne(joinable("race"), sort)));
    assert.deepEqual(new Set(ids(found)), new Set(["open-2"]));
    assert.equal(calls() - from, 1, "one HGETALL for ten concurrent joins");

    // a running match's updates (a player leaves, say) are one HSET each, as in Colyseus' driver
    const stats = () => redis.cli("info", "commandstats").stdout;
    const count = (text: string, name: string) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(text)?.[1] ?? 0);
    const running = listing("running-0", { locked: true, clients: 8, metadata: { trackLength: 1000, phase: "racing" } });
    const [evalsBefore, hsetsBefore] = [count(stats(), "eval"), count(stats(), "hset")];
    for (let i = 0; i < 5; i++) await driver.update(running, { $inc: { clients: -1 }, $set: { locked: true } });
    const after = stats();
    assert.deepEqual([count(after, "eval") - evalsBefore, count(after, "hset") - hsetsBefore], [0, 5]);
  });

  it("answers as Colyseus' full-scan driver does, over random listings, writes and queries", async () => {
    const rng = new Rng(0x5eed);
    const names = ["race", "quiz", "spectate"];
    const driver = new ClusterDriver(client, live);
    const plain = new RedisDriver(client);
    const rooms = new Map<string, IRoomCache>();
    const randomMetadata = () => ({ trackLength: rng.pick([100, 1000]), ...(rng.float() < 0.5 ? { phase: rng.pick(["lobby", "racing"]) } : {}) });
    let next = 0;
    let answered = 0;
    for (let step = 0; step < 600; step++) {
      const existing = [...rooms.values()];
      const roll = rng.float();
      if (roll < 0.3 || existing.length === 0) {
        const room = listing(`room-${next++}`, {
          name: rng.pick(names),
          processId: rng.pick(["proc-a", "proc-b"]),
          clients: rng.int(0, 4),
          maxClients: rng.pick([2, 4, 8]),
          locked: rng.float() < 0.5,
          private: rng.float() < 0.15,
          createdAt: new Date(Date.UTC(2026, 11, 1, 12, 0, rng.int(0, 59))),
          metadata: randomMetadata(),
        });
        rooms.set(room.roomId, room);
        await driver.insert(room);
      } else if (roll < 0.75) {
        const room = rng.pick(existing);
        const delta = rng.pick([1, -1]);
        await driver.update(room, { $inc: { clients: delta }, $set: { locked: rng.float() < 0.5 } });
      } else if (roll < 0.85) {
        const room = rng.pick(existing);
        if (rng.float() < 0.5) room.private = !room.private;
        else room.metadata = randomMetadata();
        await driver.persist(room);
      } else if (roll < 0.95) {
        const room = rng.pick(existing);
        rooms.delete(room.roomId);
        await driver.remove(room.roomId);
      } else {
        const processId = rng.pick(["proc-a", "proc-b"]);
        for (const room of existing) if (room.processId === processId) rooms.delete(room.roomId);
        await driver.cleanup(processId);
      }
      if (step % 20 !== 19) continue;
      await assertIndexMatches(client, names);
      for (let q = 0; q < 10; q++) {
        const filters: Record<string, unknown> = {};
        if (rng.float() < 0.6) filters.trackLength = rng.pick([100, 1000]);
        if (rng.float() < 0.3) filters.phase = rng.pick(["lobby", "racing"]);
        if (rng.float() < 0.2) filters.processId = rng.pick(["proc-a", "proc-b"]);
        if (rng.float() < 0.1) filters.maxClients = rng.pick([2, 4, 8]);
        const sort = rng.pick<SortOptions | undefined>([undefined, { clients: -1 }, { clients: 1, createdAt: -1 }, { trackLength: "descending" }]);
        const conditions = joinable(rng.pick(names), filters);
        // now and then a query the index cannot answer, which must take the full listing
        if (rng.float() < 0.15) delete conditions.private;
        const [mine, theirs] = [await driver.query(conditions, sort), await plain.query(conditions, sort)];
        const context = JSON.stringify({ step, conditions, sort });
        assert.deepEqual(new Set(ids(mine)), new Set(ids(theirs)), context);
        if (theirs.length > 0) answered++;
        // ties may come in another order (the hashes differ); the sort keys may not
        const keys = (list: IRoomCache[]) => list.map((r) => Object.keys(sort ?? {}).map((f) => (Object.hasOwn(r, f) ? (r as unknown as Record<string, unknown>)[f] : r.metadata?.[f])));
        assert.deepEqual(keys(mine), keys(theirs), context);
        const [one, other] = [await driver.findOne(conditions, sort), await plain.findOne(conditions, sort)];
        assert.equal(one === undefined, other === undefined, context);
        if (one && other) assert.deepEqual(keys([one]), keys([other]), context);
      }
    }
    assert.ok(next > 100 && answered > 50, `${next} rooms created, ${answered} of 300 queries found rooms`);
  });

  it("a write under way when Redis goes away is sent again once it is back, never rejected", async () => {
    // Colyseus does not await every listing update (a lock, say): a rejection would be unhandled, and end the process
    const driver = new ClusterDriver(client, live);
    const room = listing("busy");
    await driver.persist(room, true);
    const writes: Array<Promise<unknown>> = [];
    // writes keep going, some answered and some not, as the socket closes
    let writing = true;
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        writes.push(driver.update(room, { $inc: { clients: 1 }, $set: { locked: i % 2 === 0 } }));
        if (i % 20 === 0) await new Promise((r) => setImmediate(r));
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    await redis.kill();
    await new Promise((r) => setTimeout(r, 50));
    writing = false;
    await writer;
    await redis.restart();
    const outcomes = await Promise.allSettled(writes);
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    assert.deepEqual(rejected.slice(0, 3).map((o) => String(o.reason)), [], `${rejected.length} of ${writes.length} writes rejected`);
    await assertIndexMatches(client, ["race"]);
  });

  it("comes back with the listing when a node re-publishes into a Redis restarted empty", async () => {
    const driver = new ClusterDriver(client, live);
    const waiting = listing("waiting");
    const running = listing("running", { locked: true });
    await driver.persist(waiting, true);
    await driver.persist(running, true);
    await redis.kill();
    await redis.restart();
    assert.equal(await client.exists(openKey("race")), 0, "Redis came back empty");
    // what `matchMaker.restoreMissingRoomCaches()` does for every listing `findByIds` misses
    const found = await driver.findByIds(["waiting", "running"]);
    for (const room of [waiting, running]) if (!found.has(room.roomId)) await driver.persist(room, true);
    assert.deepEqual(await hashIds(client, ROOMCACHES_KEY), ["running", "waiting"]);
    assert.deepEqual(await hashIds(client, openKey("race")), ["waiting"]);
  });
});
