// The Docker image and docker-compose.yml, run for real: build the image from the Dockerfile as it
// is, start the stack (two arena nodes, Redis, PostgreSQL, Prometheus), then play from the host
// through the published ports as a game client would. Not part of `npm test` (it needs a Docker
// engine and builds images): .ci/run runs it after scripts/docker/prepare-images.sh.
//   node --import tsx --test scripts/docker/compose-smoke.test.ts
// Uses only what Compose v1 (1.29) and v2 both have; stops the stack and removes its volumes at the end.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { connect, type RaceRoom, type SeatReservation } from "@arena/client-sdk";
import type { GuestAuthResponse, MatchResponse } from "@arena/shared";
import { REPO_ROOT, freePort } from "../../server/test/support/server-process.js";

const PROJECT = "arenasmoke";
const COMPOSE = spawnSync("docker-compose", ["version"], { stdio: "ignore" }).error ? ["docker", "compose"] : ["docker-compose"];
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Image overrides written by prepare-images.sh (stand-ins where the official images are missing). */
function imageOverrides(): Record<string, string> {
  const file = path.join(REPO_ROOT, ".cache", "compose-images.env");
  if (!existsSync(file)) return {};
  const pairs = readFileSync(file, "utf8").split("\n").filter((line) => line.includes("="));
  return Object.fromEntries(pairs.map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]));
}

interface Stack {
  env: Record<string, string>;
  node1: string;
  node2: string;
  node2Address: string;
  prometheus: string;
}

function compose(stack: Stack, ...args: string[]): string {
  const [command, ...base] = COMPOSE as [string, ...string[]];
  const run = spawnSync(command, [...base, "-p", PROJECT, ...args], { cwd: REPO_ROOT, env: stack.env, encoding: "utf8", maxBuffer: 64 << 20 });
  assert.equal(run.status, 0, `${COMPOSE.join(" ")} ${args.join(" ")} failed:\n${run.stdout}${run.stderr}`);
  return run.stdout;
}

function docker(...args: string[]): string {
  const run = spawnSync("docker", args, { encoding: "utf8", maxBuffer: 64 << 20 });
  assert.equal(run.status, 0, `docker ${args.join(" ")} failed:\n${run.stderr}`);
  return run.stdout.trim();
}

function containerOf(stack: Stack, service: string): string {
  const id = compose(stack, "ps", "-q", service).trim();
  assert.ok(id, `${service} has a container`);
  return id;
}

async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs: number, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await sleep(everyMs);
  }
}

async function json<T>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as T };
}

async function guestToken(baseUrl: string, name: string): Promise<string> {
  const { status, body } = await json<GuestAuthResponse>(`${baseUrl}/auth/guest`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  assert.equal(status, 200);
  return body.token;
}

async function matchmake(baseUrl: string, token: string, call: string, options: object): Promise<SeatReservation> {
  const { status, body } = await json<SeatReservation>(`${baseUrl}/matchmake/${call}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(options),
  });
  assert.equal(status, 200, `matchmake ${call}: ${JSON.stringify(body)}`);
  return body;
}

/** The processId node 2 logged at start (pino JSON on stdout). */
function processIdOf(stack: Stack, service: string): string {
  const lines = docker("logs", containerOf(stack, service)).split("\n");
  for (const line of lines) {
    if (!line.startsWith("{")) continue;
    const entry = JSON.parse(line) as { msg?: string; processId?: string };
    if (entry.msg === "server listening" && entry.processId) return entry.processId;
  }
  throw new Error(`${service} logged no "server listening" line`);
}

/**
 * Creates races through node 1 until one lands on node 2. Colyseus places a room on the node with
 * the fewest rooms, which each node publishes about once a second: rooms that land on node 1 are
 * kept (unused seats expire) so the next attempt goes elsewhere.
 */
async function raceOnNode2(stack: Stack, token: string, processId2: string, options: object): Promise<SeatReservation> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const seat = await matchmake(stack.node1, token, "create/race", options);
    if (seat.processId === processId2) return seat;
    await sleep(1_200);
  }
  throw new Error("no race landed on node 2 in 8 attempts");
}

/** Two SDK players in the race room of `seat` on node 2, the second joining by id through node 1. */
async function twoRacers(stack: Stack, seat: SeatReservation, token: string): Promise<RaceRoom[]> {
  const first = connect(stack.node1, { token });
  const firstRoom = (await first.takeSeat(seat)) as RaceRoom;
  const second = connect(stack.node1, { token: await guestToken(stack.node1, "smoke-b") });
  const secondSeat = await matchmake(stack.node1, second.token!, `joinById/${seat.roomId}`, {});
  assert.equal(secondSeat.publicAddress, stack.node2Address);
  const secondRoom = (await second.takeSeat(secondSeat)) as RaceRoom;
  return [firstRoom, secondRoom];
}

function drive(rooms: RaceRoom[]): () => void {
  const timer = setInterval(() => {
    for (const room of rooms) room.send("input", { throttle: 1, steer: 0, boost: true });
  }, 100);
  return () => clearInterval(timer);
}

async function storedMatch(baseUrl: string, matchId: string): Promise<MatchResponse> {
  return until(
    `match ${matchId} stored`,
    async () => {
      const { status, body } = await json<MatchResponse>(`${baseUrl}/matches/${matchId}`);
      return status === 200 ? body : undefined;
    },
    30_000,
  );
}

type Sample = { metric: Record<string, string>; value: [number, string] };

async function promQuery(stack: Stack, expr: string): Promise<Sample[]> {
  const { body } = await json<{ status: string; data: { result: Sample[] } }>(`${stack.prometheus}/api/v1/query?${new URLSearchParams({ query: expr })}`);
  assert.equal(body.status, "success", expr);
  return body.data.result;
}

describe(`docker-compose stack (${COMPOSE.join(" ")})`, { timeout: 600_000 }, () => {
  let stack: Stack;
  let processId2 = "";
  let down = false;

  before(async () => {
    const [port1, port2, portProm] = [await freePort(), await freePort(), await freePort()];
    stack = {
      env: {
        ...(process.env as Record<string, string>),
        ...imageOverrides(),
        DOCKER_BUILDKIT: "0",
        COMPOSE_DOCKER_CLI_BUILD: "0",
        ARENA_1_PORT: String(port1),
        ARENA_2_PORT: String(port2),
        ARENA_1_PUBLIC_ADDRESS: `127.0.0.1:${port1}`,
        ARENA_2_PUBLIC_ADDRESS: `127.0.0.1:${port2}`,
        PROMETHEUS_PORT: String(portProm),
        AUTH_SECRET: "compose-smoke-secret-0123456789abcdef-0123",
      },
      node1: `http://127.0.0.1:${port1}`,
      node2: `http://127.0.0.1:${port2}`,
      node2Address: `127.0.0.1:${port2}`,
      prometheus: `http://127.0.0.1:${portProm}`,
    };
    compose(stack, "down", "-v", "--remove-orphans");
    const started = Date.now();
    compose(stack, "build");
    console.log(`# image built from the Dockerfile in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    compose(stack, "up", "-d");
  });

  after(() => {
    if (!down) compose(stack, "down", "-v", "--remove-orphans");
  });

  /** An `it` that prints the stack's last logs if it fails. */
  function step(name: string, fn: () => Promise<void> | void) {
    it(name, async () => {
      try {
        await fn();
      } catch (error) {
        if (!down) console.log(compose(stack, "logs", "--tail", "30"));
        throw error;
      }
    });
  }

  step("every container with a healthcheck becomes healthy; Grafana (a profile) does not start", async () => {
    const label = `label=com.docker.compose.project=${PROJECT}`;
    const services = docker("ps", "--filter", label, "--format", '{{.Label "com.docker.compose.service"}}').split("\n").sort();
    assert.deepEqual(services, ["arena-1", "arena-2", "postgres", "prometheus", "redis"]);
    const health = await until(
      "all healthy",
      () => {
        const states = services.map((service) => [service, docker("inspect", "-f", "{{if .State.Health}}{{.State.Health.Status}}{{else}}none{{end}}", containerOf(stack, service))]);
        for (const [service, state] of states) assert.notEqual(state, "unhealthy", `${service} is unhealthy`);
        return states.every(([, state]) => state === "healthy") ? states : undefined;
      },
      180_000,
      1_000,
    );
    assert.equal(health.length, 5, "arena-1, arena-2, postgres, redis and prometheus have a healthcheck");
  });

  step("the arena containers run as a non-root user", () => {
    for (const service of ["arena-1", "arena-2"]) {
      const uid = docker("exec", containerOf(stack, service), "id", "-u");
      assert.match(uid, /^\d+$/);
      assert.notEqual(uid, "0", `${service} runs as uid ${uid}`);
    }
  });

  step("matchmaking through node 1 seats a player in a race on node 2, played to its stored result", async () => {
    processId2 = processIdOf(stack, "arena-2");
    assert.notEqual(processIdOf(stack, "arena-1"), processId2);
    const token = await guestToken(stack.node1, "smoke-a");
    const seat = await raceOnNode2(stack, token, processId2, { trackLength: 60, maxPlayers: 2 });
    assert.equal(seat.publicAddress, stack.node2Address, "the seat names node 2's PUBLIC_ADDRESS");
    const rooms = await twoRacers(stack, seat, token);
    const stop = drive(rooms);
    try {
      const { matchId, standings } = await rooms[0]!.next("finished", 60_000);
      assert.equal(standings.length, 2);
      const fromNode1 = await storedMatch(stack.node1, matchId);
      assert.deepEqual([fromNode1.mode, fromNode1.status, fromNode1.node], ["race", "completed", "arena-2"]);
      assert.equal(fromNode1.participants.length, 2);
      assert.deepEqual((await storedMatch(stack.node2, matchId)).matchId, matchId);
    } finally {
      stop();
      await Promise.all(rooms.map((room) => room.leave()));
    }
  });

  step("Prometheus scrapes both nodes (up == 1) and their arena metrics", async () => {
    const up = await until(
      "both arena targets up",
      async () => {
        const samples = await promQuery(stack, 'up{job="arena"}');
        return samples.length === 2 && samples.every((s) => s.value[1] === "1") ? samples : undefined;
      },
      60_000,
      1_000,
    );
    assert.deepEqual(up.map((s) => s.metric.instance).sort(), ["arena-1:2567", "arena-2:2567"]);
    const ended = await until(
      "node 2's finished race in arena_matches_ended_total",
      async () => {
        const samples = await promQuery(stack, 'arena_matches_ended_total{mode="race",status="completed"}');
        const node2 = samples.find((s) => s.metric.instance === "arena-2:2567");
        return node2 && Number(node2.value[1]) >= 1 ? samples : undefined;
      },
      60_000,
      1_000,
    );
    assert.ok(ended.length >= 1);
    const perNode = await promQuery(stack, "count by (instance) (arena_http_requests_total)");
    assert.equal(perNode.length, 2, "arena metrics from both nodes");
  });

  step("docker-compose stop of node 2 drains it: a running race is stored and the container exits 0", async () => {
    const token = await guestToken(stack.node1, "smoke-c");
    const seat = await raceOnNode2(stack, token, processId2, { trackLength: 300, maxPlayers: 2 });
    const rooms = await twoRacers(stack, seat, token);
    const stopDriving = drive(rooms);
    const finished = rooms[0]!.next("finished", 90_000);
    try {
      await rooms[0]!.next("started", 30_000);
      const container = containerOf(stack, "arena-2");
      // async: the players keep driving while the node drains
      const [command, ...base] = COMPOSE as [string, ...string[]];
      const stopping = spawn(command, [...base, "-p", PROJECT, "stop", "arena-2"], { cwd: REPO_ROOT, env: stack.env, stdio: "ignore" });
      const stopped = new Promise<number | null>((resolve) => stopping.once("close", resolve));
      const { matchId } = await finished;
      assert.equal(await stopped, 0, "docker-compose stop");
      assert.equal(docker("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", container), "exited 0");
      const logs = docker("logs", container);
      assert.match(logs, /"msg":"draining"/, "node 2 drained on SIGTERM");
      assert.match(logs, /"msg":"stopped"/, "and stopped after flushing its results");
      const stored = await storedMatch(stack.node1, matchId);
      assert.equal(stored.node, "arena-2");
      assert.ok(["completed", "aborted"].includes(stored.status), stored.status);
      console.log(`# race ${matchId} of the drained node stored as ${stored.status}`);
    } finally {
      stopDriving();
      await Promise.all(rooms.map((room) => room.leave()));
    }
  });

  step("down -v removes the containers, the network and the volumes", () => {
    compose(stack, "down", "-v", "--remove-orphans");
    down = true;
    const label = `label=com.docker.compose.project=${PROJECT}`;
    assert.equal(docker("ps", "-a", "-q", "--filter", label), "");
    assert.equal(docker("volume", "ls", "-q", "--filter", label), "");
    assert.equal(docker("network", "ls", "-q", "--filter", label), "");
  });
});
