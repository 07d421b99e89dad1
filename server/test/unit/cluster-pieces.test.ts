import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { initializeRoomCache } from "@colyseus/core";
import { ClusterDriver } from "../../src/cluster/cluster-driver.js";
import { LateRequestGuard, SETTLE_MS } from "../../src/cluster/late-requests.js";
import { RedisLink, connectRedis } from "../../src/cluster/redis-link.js";
import { silentLogger } from "../support/fixtures.js";
import { RedisServer } from "../support/redis-server.js";
import { TcpProxy } from "../support/tcp-proxy.js";
import { freePort } from "../support/server-process.js";

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Blocks the event loop, as SIGSTOP or a long GC pause would. */
function freeze(ms: number) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe("cluster pieces on a real Redis", () => {
  let redis: RedisServer;

  before(async () => {
    redis = await RedisServer.start();
  });
  after(async () => {
    await redis?.kill();
  });

  it("a room id is recorded once: a second insert, even after the listing is gone, is refused (colyseus#978)", async () => {
    const [one, two] = [connectRedis(redis.url()), connectRedis(redis.url())];
    try {
      const live = () => true;
      const [a, b] = [new ClusterDriver(one, live), new ClusterDriver(two, live)];
      const listing = initializeRoomCache({ roomId: "room-978", name: "race", processId: "proc-a" });
      assert.equal(await a.insert(listing), true);
      assert.equal(await b.insert({ ...listing, processId: "proc-b" }), false, "the stalled node's late create loses");
      assert.equal((await a.findOne({ roomId: "room-978" }))?.processId, "proc-a");
      await a.remove("room-978");
      assert.equal(await b.insert({ ...listing, processId: "proc-b" }), false, "still claimed after the room ended");
      const refusing = new ClusterDriver(one, live, () => false);
      assert.equal(await refusing.insert(initializeRoomCache({ roomId: "room-late", name: "race", processId: "proc-a" })), false);
      assert.equal(await a.has("room-late"), false, "a node that is resuming records no room");
    } finally {
      one.disconnect();
      two.disconnect();
    }
  });

  it("listings of a node whose heartbeat lapsed are left out of queries and lookups", async () => {
    const client = connectRedis(redis.url());
    try {
      const stalled = new Set(["proc-stalled"]);
      const driver = new ClusterDriver(client, (id) => !stalled.has(id));
      await driver.persist(initializeRoomCache({ roomId: "on-stalled", name: "quiz", processId: "proc-stalled", locked: false }), true);
      await driver.persist(initializeRoomCache({ roomId: "on-live", name: "quiz", processId: "proc-live", locked: false }), true);
      assert.deepEqual((await driver.query({ name: "quiz" })).map((r) => r.roomId), ["on-live"]);
      assert.equal((await driver.findOne({ name: "quiz", locked: false }))?.roomId, "on-live");
      assert.equal(await driver.findOne({ roomId: "on-stalled" }), undefined);
      stalled.clear();
      assert.equal((await driver.findOne({ roomId: "on-stalled" }))?.roomId, "on-stalled", "back once it beats again");
    } finally {
      client.disconnect();
    }
  });

  it("the link goes down when Redis stops answering without closing the socket, and up again", async () => {
    const proxy = new TcpProxy(await freePort(), { host: "127.0.0.1", port: redis.port });
    await proxy.up();
    const client = connectRedis(`redis://127.0.0.1:${proxy.listenPort}/0`);
    const link = new RedisLink(client, "test", { logger: silentLogger, probeEveryMs: 50, probeTimeoutMs: 300 });
    link.watch(client, "command");
    const changes: boolean[] = [];
    link.onChange((up) => changes.push(up));
    link.start();
    try {
      while (!link.isUp) await wait(20);
      proxy.pause();
      await wait(600);
      assert.equal(link.isUp, false);
      assert.match(link.downReason, /no answer to PING within 300 ms/);
      proxy.resume();
      await wait(300);
      assert.equal(link.isUp, true);
      assert.deepEqual(changes, [true, false, true], "one change each way");
      assert.equal(link.outages, 1);
    } finally {
      link.stop();
      client.disconnect();
      await proxy.down();
    }
  });
});

describe("late requests", () => {
  it("are dropped while the link is down, while it settles after an outage, and right after the event loop stood still", async () => {
    let up = false;
    let recoveredAt = 0;
    const dropped: number[] = [];
    // a stand-still well above what a busy CI machine lags by itself, so only the freeze below counts as one
    const guard = new LateRequestGuard({ linkUp: () => up, recoveredAt: () => recoveredAt, givenUpAfterMs: 1_500, logger: silentLogger, onDropped: (n) => dropped.push(n) });
    guard.start();
    const handled: string[] = [];
    const handler = guard.wrap((what: string) => handled.push(what));
    handler("while down");
    up = true;
    recoveredAt = Date.now();
    handler("settling");
    await wait(SETTLE_MS + 50);
    handler("fresh");
    freeze(1_800);
    handler("after a freeze");
    await wait(SETTLE_MS + 150);
    handler("fresh again");
    assert.deepEqual(handled, ["fresh", "fresh again"]);
    assert.deepEqual(dropped, [2, 1], "counted and logged once per episode");
  });
});
