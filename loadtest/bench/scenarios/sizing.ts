/**
 * Per-unit figures for the sizing model (BENCHMARKS.md, "Sizing"), measured on real processes: one
 * node on a Redis and a scratch PostgreSQL database of its own, so that their counters are arena's.
 *  - Redis per join: joins into race rooms that stay open (a 60 s countdown), INFO commandstats and
 *    net bytes before and after, less what the rooms cost while they filled;
 *  - Redis per room-second: the same rooms idling for T seconds;
 *  - Redis per join beside running rooms: the same joins with few rooms listed and with many full
 *    (locked) rooms listed, so that the reply is seen to grow, or not, with rooms nobody can join
 *    (`--before-dist=<another build's server/dist/main.js>` measures that build too, in the same run);
 *  - per match (Redis, PostgreSQL): short races played to the end over and over (players leave once
 *    it finished and new ones join): Redis commands and bytes, transactions, rows, WAL bytes and the
 *    CPU of the database's backends, per stored result;
 *  - per client, each mode: bytes a second on the wire (TCP, both ways) and the node's CPU while
 *    playing (a node of its own, no Redis).
 */
import { BenchCluster, backendCpuDeltaMs, redisDelta, type RedisCounters } from "../cluster-bench.js";
import { ROOMCACHES_KEY, openKey } from "../../../server/src/cluster/cluster-driver.js";
import { args, mean, round, sleep, smoke, LoadGenerator, ServerUnderTest } from "../harness.js";
import type { BenchMode, WorkerConfig } from "../load-worker.js";

/** arena's index of the joinable race rooms, beside Colyseus' listing of every room. */
const OPEN_RACE_KEY = openKey("race");

const OPEN_RACE = { maxPlayers: 8, trackLength: 5000 };
/** 100 m at a top speed of 20 m/s: a race of about 6 s, so that many end in a short run. */
const SHORT_RACE = { maxPlayers: 8, trackLength: 100 };

function perUnit(delta: ReturnType<typeof redisDelta>, units: number) {
  const top = Object.entries(delta.calls)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 8)
    .map(([name, calls]) => [name, round(calls / units, 2)]);
  return {
    commands: round(delta.commands / units, 2),
    netInBytes: Math.round(delta.netInputBytes / units),
    netOutBytes: Math.round(delta.netOutputBytes / units),
    topCommands: Object.fromEntries(top),
  };
}

/** Redis per join and per room-second: joins into rooms that stay open, then the rooms idle. */
async function redisJoinsAndIdle(joins: number, idleS: number) {
  const cluster = await BenchCluster.start({ nodes: 1, pinNodes: true, env: { RACE_COUNTDOWN_MS: "60000" } });
  const load = new LoadGenerator({ url: cluster.urls[0]!, mode: "race", options: OPEN_RACE, inputsPerSecond: 10, joinConcurrency: 20 });
  try {
    await sleep(2000);
    // the node's own steady traffic (heartbeats, stats) with nothing open, per second
    const quietS = smoke ? 2 : 5;
    const quietFrom = cluster.redisCounters();
    await sleep(quietS * 1000);
    const quiet = redisDelta(quietFrom, cluster.redisCounters());
    const before: RedisCounters = cluster.redisCounters();
    const started = Date.now();
    await load.scaleTo(joins);
    const joinSeconds = (Date.now() - started) / 1000;
    const afterJoins = cluster.redisCounters();
    const rooms = load.stats.at(-1)?.rooms ?? 0;
    await sleep(idleS * 1000);
    const afterIdle = cluster.redisCounters();
    const idle = redisDelta(afterJoins, afterIdle);
    const joined = redisDelta(before, afterJoins);
    const nodePerSec = quiet.commands / quietS;
    const perRoomSecond = Math.max(0, idle.commands / idleS - nodePerSec) / Math.max(1, rooms);
    // while they filled, the rooms were open for about half the time on average
    const fillRoomSeconds = (rooms * joinSeconds) / 2;
    const perJoin = (joined.commands - nodePerSec * joinSeconds - perRoomSecond * fillRoomSeconds) / Math.max(1, load.connected);
    return {
      joins: load.connected,
      rooms,
      joinSeconds: round(joinSeconds, 1),
      idleSeconds: idleS,
      nodeCommandsPerSec: round(nodePerSec, 1),
      commandsPerJoin: round(perJoin, 2),
      perJoinAllIn: perUnit(joined, Math.max(1, load.connected)),
      commandsPerRoomSecond: round(perRoomSecond, 3),
      idleNetInBytesPerRoomSecond: round(idle.netInputBytes / idleS / Math.max(1, rooms), 1),
      idleNetOutBytesPerRoomSecond: round(idle.netOutputBytes / idleS / Math.max(1, rooms), 1),
      idleCommands: idle.calls,
    };
  } finally {
    load.stop();
    await cluster.stop();
  }
}

/** Redis reply bytes of one listing as `HGETALL` sends it: the room id and the JSON, each a bulk string. */
function listingReplyBytes(cluster: BenchCluster): number {
  const flat = cluster.redis.cli("hgetall", ROOMCACHES_KEY).stdout.split("\n").filter((line) => line !== "");
  let bytes = 0;
  for (const line of flat) bytes += Buffer.byteLength(line) + String(Buffer.byteLength(line)).length + 5; // $<len>\r\n<data>\r\n
  return flat.length >= 2 ? Math.round(bytes / (flat.length / 2)) : 0;
}

/**
 * Redis per join beside rooms nobody can join: `joins` joins into race rooms of 8, first with only
 * a few rooms listed, then again (on another track length) once `running` full rooms of 2 are listed
 * too: Colyseus locks a room when its last seat is taken. Passive clients (they join and then stay
 * silent) and lobbies that wait (a 60 s countdown), so that Redis sees joins and nothing else.
 */
async function joinsBesideRunningRooms(joins: number, running: number, build: string, script?: string) {
  const env = { RACE_COUNTDOWN_MS: "60000", RACE_LOBBY_TIMEOUT_MS: "600000" };
  const cluster = await BenchCluster.start({ nodes: 1, pinNodes: true, env, ...(script ? { script } : {}) });
  const loads: LoadGenerator[] = [];
  const passive = async (clients: number, options: WorkerConfig["options"], spread?: WorkerConfig["spread"]) => {
    const load = new LoadGenerator({ url: cluster.urls[0]!, mode: "race", options, passive: true, inputsPerSecond: 0, joinConcurrency: 10, ...(spread ? { spread } : {}) });
    loads.push(load);
    await load.prefetchTokens(clients);
    return load;
  };
  const hlen = (key: string) => Number(cluster.redis.cli("hlen", key).stdout.trim()) || 0;
  const measure = async (trackLength: number) => {
    const load = await passive(joins, { maxPlayers: 8, trackLength });
    // the node's own traffic meanwhile (heartbeats, its registry), per second, is taken off
    const quietS = smoke ? 2 : 4;
    const quietFrom = cluster.redisCounters();
    await sleep(quietS * 1000);
    const quiet = redisDelta(quietFrom, cluster.redisCounters());
    const listed = hlen(ROOMCACHES_KEY);
    const joinable = hlen(OPEN_RACE_KEY);
    const before = cluster.redisCounters();
    const started = Date.now();
    await load.scaleTo(joins);
    const seconds = (Date.now() - started) / 1000;
    const delta = redisDelta(before, cluster.redisCounters());
    const n = Math.max(1, load.connected);
    const less = (measured: number, perQuietS: number) => (measured - (perQuietS / quietS) * seconds) / n;
    return {
      listedBefore: listed,
      joinableBefore: joinable,
      joins: load.connected,
      seconds: round(seconds, 1),
      netOutBytesPerJoin: Math.round(less(delta.netOutputBytes, quiet.netOutputBytes)),
      netInBytesPerJoin: Math.round(less(delta.netInputBytes, quiet.netInputBytes)),
      commandsPerJoin: round(less(delta.commands, quiet.commands), 2),
      hgetallPerJoin: round(less(delta.calls.hgetall ?? 0, quiet.calls.hgetall ?? 0), 2),
    };
  };
  try {
    await sleep(2000);
    const few = await measure(4000);
    // the running rooms: full rooms of 2, each on a track length of its own
    const filler = await passive(running * 2, { maxPlayers: 2 }, { option: "trackLength", from: 50, perRoom: 2 });
    await filler.scaleTo(running * 2);
    await sleep(1000);
    const many = await measure(4500);
    const row = {
      build,
      few,
      many,
      listingReplyBytes: listingReplyBytes(cluster),
      /** What each listed room nobody can join adds to a join's reply. */
      replyBytesPerRunningRoom: round((many.netOutBytesPerJoin - few.netOutBytesPerJoin) / Math.max(1, many.listedBefore - few.listedBefore), 1),
    };
    console.log(JSON.stringify({ scenario: "sizing", runningRooms: row }));
    return row;
  } finally {
    loads.forEach((load) => load.stop());
    await cluster.stop();
  }
}

/** Full races, again and again: Redis and PostgreSQL per match (per stored result). */
async function fullMatches(clients: number, seconds: number) {
  const cluster = await BenchCluster.start({ nodes: 1, pinNodes: true, env: { RACE_COUNTDOWN_MS: "500", RACE_LOBBY_TIMEOUT_MS: "2000", POST_MATCH_LINGER_MS: "1000" } });
  const churn = { leaveAfterFinishMs: 300, earlyLeaveShare: 0 };
  const load = new LoadGenerator({ url: cluster.urls[0]!, mode: "race", options: SHORT_RACE, inputsPerSecond: 10, joinConcurrency: 20, churn });
  try {
    // the WAL is the whole PostgreSQL cluster's: what it grows by with no load here (other databases) is taken off
    const quietS = smoke ? 2 : 5;
    const quietFrom = await cluster.postgresCounters();
    await sleep(quietS * 1000);
    const quietWalPerSec = (await cluster.walBytes(quietFrom.walLsn, (await cluster.postgresCounters()).walLsn)) / quietS;
    await load.scaleTo(clients);
    const statsFrom = load.stats.length;
    const probesFrom = cluster.nodes[0]!.probes.length;
    const redisBefore = cluster.redisCounters();
    const pgBefore = await cluster.postgresCounters();
    const started = Date.now();
    await sleep(seconds * 1000);
    const elapsed = (Date.now() - started) / 1000;
    const pgAfter = await cluster.postgresCounters();
    const redis = redisDelta(redisBefore, cluster.redisCounters());
    const results = pgAfter.results - pgBefore.results;
    const joins = load.stats.slice(statsFrom).reduce((a, s) => a + s.joinMs.length, 0);
    const per = Math.max(1, results);
    return {
      clients,
      seconds: round(elapsed, 1),
      results,
      resultsPerSec: round(results / elapsed, 2),
      joinsPerMatch: round(joins / per, 1),
      redisPerMatch: perUnit(redis, per),
      postgresPerResult: {
        transactions: round((pgAfter.commits - pgBefore.commits) / per, 2),
        participantRows: round((pgAfter.participants - pgBefore.participants) / per, 1),
        walBytes: Math.round(Math.max(0, (await cluster.walBytes(pgBefore.walLsn, pgAfter.walLsn)) - quietWalPerSec * elapsed) / per),
        walBytesOfOthersPerSec: Math.round(quietWalPerSec),
        backendCpuMs: round(backendCpuDeltaMs(pgBefore, pgAfter) / per, 3),
      },
      nodeCpuPct: Math.round(mean(cluster.nodes[0]!.probes.slice(probesFrom).map((p) => p.cpuPercent))),
    };
  } finally {
    load.stop();
    await cluster.stop();
  }
}

const PLAY: Array<{ mode: BenchMode; options: WorkerConfig["options"] }> = [
  { mode: "race", options: OPEN_RACE },
  { mode: "quiz", options: { minPlayers: 2, maxPlayers: 4, rounds: 20 } },
  { mode: "war", options: { maxPlayers: 6, factions: 2, timeLimit: 600 } },
  { mode: "dice", options: { maxPlayers: 4, dice: 5 } },
];

/** Wire bytes per client per second each way, and the node's CPU per client, during play. */
async function trafficPerMode(clients: number, seconds: number) {
  const rows = [];
  for (const { mode, options } of PLAY) {
    const server = await ServerUnderTest.start("arena");
    const load = new LoadGenerator({ url: server.url, mode, options, inputsPerSecond: 10, joinConcurrency: 20 });
    try {
      await load.scaleTo(clients);
      await sleep(smoke ? 1500 : 4000); // past the countdowns and join windows
      const from = load.stats.at(-1)!;
      const statsFrom = load.stats.length;
      const probesFrom = server.probes.length;
      await sleep(seconds * 1000);
      const to = load.stats.at(-1)!;
      const window = load.stats.slice(statsFrom);
      const elapsed = window.length || 1;
      const connected = mean(window.map((s) => s.clients)) || 1;
      const cpuPct = mean(server.probes.slice(probesFrom).map((p) => p.cpuPercent));
      const row = {
        mode,
        clients: Math.round(connected),
        wireBytesInPerClientPerSec: Math.round((to.wireBytesIn - from.wireBytesIn) / elapsed / connected),
        wireBytesOutPerClientPerSec: Math.round((to.wireBytesOut - from.wireBytesOut) / elapsed / connected),
        framesInPerClientPerSec: round(window.reduce((a, s) => a + s.framesIn, 0) / elapsed / connected, 1),
        framesOutPerClientPerSec: round(window.reduce((a, s) => a + s.framesOut, 0) / elapsed / connected, 1),
        serverCpuPct: Math.round(cpuPct),
        cpuUsPerClientSecond: Math.round((cpuPct / 100 / connected) * 1e6),
        errors: window.reduce((a, s) => a + s.joinFailures, 0) + (window.at(-1)?.gameErrors ?? 0),
      };
      console.log(JSON.stringify({ scenario: "sizing", ...row }));
      rows.push(row);
    } finally {
      load.stop();
      await server.stop();
    }
  }
  return rows;
}

export async function sizing() {
  const joins = Number(args.get("sizing-joins") ?? (smoke ? 16 : 400));
  const idleS = Number(args.get("sizing-idle-s") ?? (smoke ? 3 : 20));
  const matchClients = Number(args.get("sizing-match-clients") ?? (smoke ? 16 : 200));
  const matchSeconds = Number(args.get("sizing-match-s") ?? (smoke ? 15 : 40));
  const playClients = Number(args.get("sizing-play-clients") ?? (smoke ? 16 : 200));
  const playSeconds = Number(args.get("sizing-play-s") ?? (smoke ? 3 : 8));
  const redis = await redisJoinsAndIdle(joins, idleS);
  console.log(JSON.stringify({ scenario: "sizing", redis }));
  const runningJoins = Number(args.get("sizing-running-joins") ?? (smoke ? 8 : 80));
  const runningRooms = Number(args.get("sizing-running-rooms") ?? (smoke ? 10 : 200));
  const beforeDist = args.get("before-dist");
  const besideRunning = [await joinsBesideRunningRooms(runningJoins, runningRooms, "this build")];
  if (beforeDist) besideRunning.push(await joinsBesideRunningRooms(runningJoins, runningRooms, `before (${beforeDist})`, beforeDist));
  const matches = await fullMatches(matchClients, matchSeconds);
  console.log(JSON.stringify({ scenario: "sizing", matches }));
  const traffic = await trafficPerMode(playClients, playSeconds);
  return { summary: { redis, besideRunning, matches, traffic } };
}
