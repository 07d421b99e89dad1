import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { GuestAuthResponse } from "@arena/shared";
// raw-socket clients: with fetch and ws, 600 joins at once jam the test's own event loop for seconds
import { RawHttpPool, RawWebSocket } from "../../../loadtest/bench/raw-client.js";
import { startServer, type ServerProcess } from "../support/server-process.js";

/** Joins fired at once: more than a node serves within the short reservation time below. */
const JOINS = Number(process.env.ADMISSION_TEST_JOINS ?? 600);
/** Joins served one at a time before the storm. */
const WARM_UP = 40;
/** Short enough that a join storm outlasts it (the default is 15 s). */
const SEAT_RESERVATION_S = "2";

type Outcome =
  | { kind: "seated" }
  | { kind: "refused"; retryAfterS: number; body: unknown }
  /** Matchmaking gave a seat, the WebSocket join with it was refused: what admission control prevents. */
  | { kind: "expired"; detail: string }
  | { kind: "failed"; detail: string };

async function guestTokens(server: ServerProcess, count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await fetch(`${server.url}/auth/guest`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: `storm-${i}` }) });
    tokens.push(((await res.json()) as GuestAuthResponse).token);
  }
  return tokens;
}

/** Seated once the room's first full state arrives (the client acknowledged the join). */
function joinRoom(server: ServerProcess, seat: { sessionId: string; roomId: string; processId: string }, token: string, open: RawWebSocket[]): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = new RawWebSocket("127.0.0.1", server.port, `/${seat.processId}/${seat.roomId}?sessionId=${seat.sessionId}&_authToken=${token}`);
    open.push(socket);
    socket.onFrame = (data) => {
      const code = (data[0] ?? 0) & 0x1f;
      if (code === 10) socket.send(Buffer.from([10]));
      if (code === 14) resolve({ kind: "seated" });
    };
    socket.onClose = () => resolve({ kind: "expired", detail: "closed before the first state" });
  });
}

/** One player's join: matchmaking for a race lobby of its own (7 players a room, never starting), then the WebSocket. */
async function join(server: ServerProcess, http: RawHttpPool, token: string, index: number, open: RawWebSocket[]): Promise<Outcome> {
  const res = await http.post("/matchmake/joinOrCreate/race", { "Content-Type": "application/json", Authorization: `Bearer ${token}` }, JSON.stringify({ maxPlayers: 8, trackLength: 50 + (Math.floor(index / 7) % 4950) }));
  const body = JSON.parse(res.body) as { sessionId: string; roomId: string; processId: string } & { code?: number; error?: string };
  if (res.status === 503) return { kind: "refused", retryAfterS: Number(res.headers["retry-after"]), body };
  if (res.status !== 200) return { kind: "failed", detail: `${res.status} ${res.body}` };
  return joinRoom(server, body, token, open);
}

const count = (outcomes: Outcome[], kind: Outcome["kind"]) => outcomes.filter((o) => o.kind === kind).length;

describe("admission control: a node refuses joins it cannot serve within the seat reservation time", () => {
  let server: ServerProcess;
  const open: RawWebSocket[] = [];
  let http: RawHttpPool;
  before(async () => {
    server = await startServer({
      env: { SEAT_RESERVATION_S, LOG_LEVEL: "warn", HTTP_RATE_PER_MIN: "1000000", RACE_LOBBY_TIMEOUT_MS: "600000", NODE_ENV: "production", AUTH_SECRET: "admission-test-secret-admission-test" },
    });
    http = new RawHttpPool("127.0.0.1", server.port);
  });
  after(async () => {
    for (const socket of open) socket.terminate();
    http.close();
    await server.stop();
  });

  it("gives every client of a storm a seat it can use or a 503 OVERLOADED with Retry-After, and the retry succeeds", async (t) => {
    const tokens = await guestTokens(server, JOINS + WARM_UP);
    // the node measures what it serves (a fresh one admits everything): joins a few at a time first, as a node that has been up has served
    for (let round = 0; round < WARM_UP / 8; round++) {
      const warm = await Promise.all(Array.from({ length: 8 }, (_, i) => join(server, http, tokens.pop()!, 100_000 + (round * 8 + i) * 7, open)));
      assert.ok(warm.every((o) => o.kind === "seated"), JSON.stringify(warm));
    }
    const first = await Promise.all(tokens.map((token, i) => join(server, http, token, i, open)));
    const summary = { seated: count(first, "seated"), refused: count(first, "refused"), expired: count(first, "expired"), failed: count(first, "failed") };
    const waits = first.flatMap((o) => (o.kind === "refused" ? [o.retryAfterS] : []));
    t.diagnostic(`first round ${JSON.stringify(summary)}, Retry-After up to ${Math.max(0, ...waits)} s`);
    assert.equal(summary.expired, 0, `no reservation may expire: ${JSON.stringify(summary)} ${JSON.stringify(first.find((o) => o.kind === "expired"))}`);
    assert.equal(summary.failed, 0, JSON.stringify(first.find((o) => o.kind === "failed")));
    assert.ok(summary.refused > 0, `the storm must overload the node: ${JSON.stringify(summary)}`);
    assert.ok(summary.seated > 0, JSON.stringify(summary));
    for (const outcome of first) {
      if (outcome.kind !== "refused") continue;
      assert.ok(Number.isInteger(outcome.retryAfterS) && outcome.retryAfterS >= 1, `Retry-After: ${outcome.retryAfterS}`);
      assert.equal((outcome.body as { code: number }).code, 503);
      assert.match((outcome.body as { error: string }).error, /^OVERLOADED: /);
    }

    // every refused client comes back after its Retry-After, once
    const retried = await Promise.all(
      first.map(async (outcome, i) => {
        if (outcome.kind !== "refused") return undefined;
        await new Promise((resolve) => setTimeout(resolve, outcome.retryAfterS * 1000));
        return join(server, http, tokens[i]!, i, open);
      }),
    );
    const again = retried.filter((o): o is Outcome => o !== undefined);
    assert.deepEqual(
      { seated: count(again, "seated"), refused: count(again, "refused"), expired: count(again, "expired"), failed: count(again, "failed") },
      { seated: summary.refused, refused: 0, expired: 0, failed: 0 },
      `first round ${JSON.stringify(summary)}`,
    );

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const refusals = Number(/arena_matchmaking_refusals_total\{reason="overloaded"\} (\d+)/.exec(metrics)?.[1]);
    assert.equal(refusals, summary.refused, "every refusal is counted by reason");
  });
});
