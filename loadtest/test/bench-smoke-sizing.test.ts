import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** One measurement of Redis per join beside running rooms (loadtest/bench/scenarios/sizing.ts). */
interface BesideRunning {
  listedBefore: number;
  joins: number;
  netOutBytesPerJoin: number;
}

/** The sizing scenarios' short runs (memory, sizing, a 20 s soak of two nodes): their figures exist and are sane. */
describe("benchmark smoke run of the sizing scenarios (npm run bench -- --smoke --only=memory,sizing,soak)", () => {
  // about 160 s alone on this machine, mostly the scenarios' fixed windows (scripts/run-tests.mjs allows a file 400 s)
  it("measures memory, Redis, PostgreSQL and bandwidth per unit, and soaks two nodes", () => {
    const run = spawnSync(process.execPath, ["--import", "tsx", "loadtest/bench/run.ts", "--smoke", "--only=memory,sizing,soak", "--report=smoke-sizing"], {
      cwd: ROOT,
      env: process.env,
      encoding: "utf8",
      timeout: 300_000,
    });
    assert.equal(run.status, 0, `${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`);
    const report = JSON.parse(readFileSync(path.join(ROOT, "loadtest/results/bench-smoke-sizing.json"), "utf8")) as Record<string, { summary: unknown }>;
    for (const scenario of ["memory", "sizing", "soak"]) assert.ok(report[scenario], `scenario ${scenario} reported`);

    // memory: every row measured after a forced GC, with the clients and rooms it asked for
    const memory = report.memory!.summary as unknown as Array<{ mode: string; state: string; clients: number[]; rooms: number[]; rssKbPerClient: number; heapKbPerClient: number; gcForced: boolean }>;
    assert.deepEqual(memory.map((m) => `${m.mode} ${m.state}`), ["race running", "race lobby", "ws floor idle", "ws floor 10 in + 10 out/s"]);
    for (const row of memory) {
      assert.ok(row.gcForced, `heap read after a forced GC: ${JSON.stringify(row)}`);
      assert.ok(row.clients[1]! > row.clients[0]! && row.clients[0]! > 0, JSON.stringify(row));
      // a client costs something, and less than a megabyte
      assert.ok(row.heapKbPerClient > 0 && row.heapKbPerClient < 1024 && row.rssKbPerClient < 4096, JSON.stringify(row));
    }
    assert.equal(memory[1]!.rooms[1], memory[1]!.clients[1], "a lobby room per client");

    // sizing: Redis per join and per match, PostgreSQL per stored result, wire bytes per mode
    const sizing = report.sizing!.summary as {
      redis: { joins: number; commandsPerJoin: number; commandsPerRoomSecond: number };
      besideRunning: Array<{ few: BesideRunning; many: BesideRunning; listingReplyBytes: number; replyBytesPerRunningRoom: number }>;
      matches: { results: number; redisPerMatch: { commands: number }; postgresPerResult: { transactions: number; walBytes: number } };
      traffic: Array<{ mode: string; clients: number; wireBytesInPerClientPerSec: number; wireBytesOutPerClientPerSec: number; cpuUsPerClientSecond: number }>;
    };
    assert.ok(sizing.redis.joins >= 15 && sizing.redis.commandsPerJoin > 0 && sizing.redis.commandsPerRoomSecond >= 0, JSON.stringify(sizing.redis));
    // a join's reply does not grow with listed rooms nobody can join (the index of joinable rooms)
    const [beside] = sizing.besideRunning;
    assert.ok(beside && beside.many.listedBefore >= beside.few.listedBefore + 10 && beside.many.joins >= 7 && beside.few.joins >= 7, JSON.stringify(beside));
    assert.ok(beside.listingReplyBytes > 100 && beside.replyBytesPerRunningRoom < beside.listingReplyBytes / 4, JSON.stringify(beside));
    assert.ok(sizing.matches.results > 0 && sizing.matches.redisPerMatch.commands > 0, JSON.stringify(sizing.matches));
    assert.ok(sizing.matches.postgresPerResult.transactions > 0 && sizing.matches.postgresPerResult.walBytes >= 0, JSON.stringify(sizing.matches));
    assert.deepEqual(sizing.traffic.map((t) => t.mode), ["race", "quiz", "war", "dice"]);
    for (const t of sizing.traffic) assert.ok(t.clients > 0 && t.wireBytesInPerClientPerSec > 0 && t.wireBytesOutPerClientPerSec > 0 && t.cpuUsPerClientSecond > 0, JSON.stringify(t));

    // soak (20 s): two nodes sampled, matches stored, and no listing left in Redis once the rooms closed
    const soak = report.soak!.summary as {
      matchesStored: number;
      clientsMean: number;
      playersLeftAfterMatch: number;
      redisKeys: { afterRoomsClosed: Record<string, { keys: number; withoutExpiry: number; entries: number }> };
      slopesSecondHalf: Record<string, number>;
    };
    assert.ok(soak.matchesStored > 0 && soak.clientsMean >= 30 && soak.playersLeftAfterMatch > 0, JSON.stringify(soak));
    assert.equal(soak.redisKeys.afterRoomsClosed.roomcaches, undefined, "no room listing outlives its room");
    assert.equal(soak.redisKeys.afterRoomsClosed["arena:open:*"], undefined, "no joinable listing outlives its room");
    for (const [pattern, group] of Object.entries(soak.redisKeys.afterRoomsClosed)) {
      if (pattern !== "roomcount") assert.equal(group.withoutExpiry, 0, `${pattern}: keys without expiry left behind`);
    }
    for (const name of ["node1RssMbPerHour", "node2HeapMbPerHour", "redisUsedMemoryMbPerHour", "redisKeysPerHour"]) assert.ok(Number.isFinite(soak.slopesSecondHalf[name]), name);
  });
});
