import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { GuestAuthResponse } from "@arena/shared";
import { isolatedRedisUrl, matchmakeCode, startNode, type Node } from "../support/cluster.js";
import { freePort } from "../support/server-process.js";

/** Rounds of joins; each round fires its joins at both nodes at once, all for the same kind of room. */
const ROUNDS = 12;
const PER_NODE = 10;
const SEATS = 4;
const OPTIONS = { maxPlayers: SEATS, trackLength: 50 };

interface Answer {
  status: number;
  code: string | undefined;
  roomId: string | undefined;
  ms: number;
}

async function guestToken(node: Node, name: string): Promise<string> {
  const res = await fetch(`${node.url}/auth/guest`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name }) });
  return ((await res.json()) as GuestAuthResponse).token;
}

async function joinOrCreate(node: Node, token: string): Promise<Answer> {
  const started = performance.now();
  const res = await fetch(`${node.url}/matchmake/joinOrCreate/race`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(OPTIONS),
  });
  const body = (await res.json()) as { roomId?: string };
  return { status: res.status, code: matchmakeCode(body), roomId: body.roomId, ms: Math.round(performance.now() - started) };
}

describe("joins through two nodes at once, for the same rooms", () => {
  let a: Node;
  let b: Node;
  before(async () => {
    const redisUrl = isolatedRedisUrl(10);
    // lobbies that never start: a room's seats are only the reservations of this test
    const env = { HTTP_RATE_PER_MIN: "1000000", RACE_LOBBY_TIMEOUT_MS: "600000" };
    a = await startNode(redisUrl, { ...env, PORT: String(await freePort()), NODE_ID: "node-a" });
    b = await startNode(redisUrl, { ...env, PORT: String(await freePort()), NODE_ID: "node-b" });
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it("seats every player within the deadline, never over a room's seats, in about as many rooms as the seats need", async (t) => {
    const tokens = await Promise.all(Array.from({ length: ROUNDS * PER_NODE * 2 }, (_, i) => guestToken(i % 2 ? b : a, `cross-${i}`)));
    const answers: Answer[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const wave = tokens.slice(round * PER_NODE * 2, (round + 1) * PER_NODE * 2);
      answers.push(...(await Promise.all(wave.map((token, i) => joinOrCreate(i % 2 ? b : a, token)))));
    }
    const refused = answers.filter((answer) => answer.status !== 200);
    const seatsByRoom = new Map<string, number>();
    for (const { roomId } of answers) if (roomId) seatsByRoom.set(roomId, (seatsByRoom.get(roomId) ?? 0) + 1);
    const slowest = Math.max(...answers.map((answer) => answer.ms));
    t.diagnostic(JSON.stringify({ joins: answers.length, refused: refused.length, rooms: seatsByRoom.size, slowestMs: slowest }));

    assert.deepEqual(refused.slice(0, 5), [], `${refused.length} of ${answers.length} joins refused`);
    for (const [roomId, seats] of seatsByRoom) assert.ok(seats <= SEATS, `room ${roomId} got ${seats} seats`);
    // two nodes opening a room at the same moment each open one; the next joins fill both
    const needed = answers.length / SEATS;
    assert.ok(seatsByRoom.size <= needed * 1.25, `${seatsByRoom.size} rooms for ${answers.length} seats of ${SEATS}`);
  });
});
