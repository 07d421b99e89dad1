/**
 * The mode contract suite: what every mode of the registry must do, run the same way for each.
 * A mode's `<mode>.contract.test.ts` passes its fixture to `modeContract`.
 *
 * - rules: same seed and inputs ⇒ the same outcome; another seed ⇒ another match; refused inputs
 *   change nothing; advancing in several steps equals advancing at once; the log replays to the outcome,
 *   and a replay timeline seeks to any point of it;
 * - room: a match of idle players ends by itself and is stored; the stored result replays to itself;
 *   invalid messages get typed errors, leave the client connected and log nothing; hidden information
 *   never reaches a client before its reveal (checked on the raw frames it received); a drain ends a
 *   running match as aborted and stores it.
 */
import "../../support/frame-recorder.js";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { eq } from "drizzle-orm";
import { ErrorCode, MODES, type ErrorPayload, type ModeName, type Modes, type OptionsInput, type RoomOf } from "@arena/client-sdk";
import { Rng } from "@arena/shared/kit/random";
import { advanceTo, replayMatch, runToEnd, type LoggedInput, type MatchSetup, type RulesInput, type Time } from "@arena/shared/kit/rules";
import { MatchTimeline } from "@arena/shared/kit/timeline";
import { serverMode } from "../../../src/modes/index.js";
import { matchParticipants, matches } from "../../../src/persistence/schema.js";
import { replayStoredMatch } from "../../../src/replay/replay-match.js";
import { framesOf } from "../../support/frame-recorder.js";
import { RawView } from "./raw-view.js";
import { startRoomServer, type RoomServer } from "./room-server.js";

/** What a mode gives the suite. Rules-level members see the rules state as `unknown`: each fixture knows its own. */
export interface ModeFixture<M extends ModeName> {
  mode: M;
  /** Rules level: settings and seats of a small match. */
  setup(seed: number): MatchSetup<unknown>;
  /** Event modes: how far time moves between two rounds of inputs (tick modes move one tick). */
  eventStepMs?: number;
  /** A valid message of `seat` now, chosen with `rng`, or null to stay idle. */
  randomMessage(state: unknown, seat: number, rng: Rng): RulesInput<Record<string, unknown>> | null;
  /** Inputs the rules must refuse now, with the code they refuse them with. */
  refusals(state: unknown, seat: number): Array<{ input: RulesInput<Record<string, unknown>>; code: ErrorCode }>;

  /** Room level: join options and server settings of a short match, and how many humans start it. */
  options: OptionsInput<Modes[M]>;
  env: Record<string, string>;
  humans: number;
  /** Payloads the message gate must refuse (they fail the type's schema, or name no type). */
  invalidMessages: Array<{ type: string; payload: unknown }>;
  /** Whether the room has started its match, from the state a client decoded. */
  running(room: RoomOf<M>): boolean;
  /**
   * Hidden information: a description of what leaked to the client `sessionId` in the state it
   * decoded and the messages it received so far, or null. Modes without hidden information omit it.
   */
  leak?(decoded: Record<string, unknown>, messages: ReadonlyArray<[string, unknown]>, sessionId: string): string | null;
}

const COMMON_CODES: readonly string[] = [ErrorCode.InvalidMessage, ErrorCode.UnknownMessage, ErrorCode.RateLimited, ErrorCode.WrongPhase, ErrorCode.NotParticipant];

/** Plays a match at the rules level with seeded random inputs; returns the log and the final state. */
export function playRules(fixture: ModeFixture<ModeName>, seed: number, inputSeed: number): { log: Array<LoggedInput<Record<string, unknown>>>; final: unknown; setup: MatchSetup<unknown> } {
  const definition = serverMode(fixture.mode)!;
  const { rules } = definition;
  const setup = fixture.setup(seed);
  const clock = rules.clock(setup.settings);
  const rng = new Rng(inputSeed);
  const log: Array<LoggedInput<Record<string, unknown>>> = [];
  let state = rules.create(setup);
  for (let step = 0; step < 200_000 && !rules.isOver(state); step++) {
    const at: Time = rules.now(state);
    for (const { seat } of setup.players) {
      const input = fixture.randomMessage(state, seat, rng);
      if (!input) continue;
      const result = rules.apply(state, input, at);
      if (result.refused) continue;
      state = result.state;
      if (result.logged !== false) log.push([at, input]);
    }
    const deadline = rules.nextDeadline(state);
    const to = clock.kind === "tick" ? at + 1 : Math.min(deadline ?? Number.POSITIVE_INFINITY, at + (fixture.eventStepMs ?? 250));
    state = rules.advance(state, to).state;
  }
  assert.ok(rules.isOver(state), "a match of random inputs ends");
  return { log, final: state, setup };
}

export function modeContract<M extends ModeName>(fixture: ModeFixture<M>): void {
  const definition = serverMode(fixture.mode);
  const contract = MODES[fixture.mode];

  describe(`${fixture.mode}: the rules`, () => {
    it("give the same outcome for the same seed and inputs, and another match for another seed", () => {
      const rules = definition!.rules;
      const a = playRules(fixture, 7, 99);
      const b = playRules(fixture, 7, 99);
      assert.deepEqual(a.log, b.log);
      assert.deepEqual(rules.outcome(a.final), rules.outcome(b.final));
      const c = playRules(fixture, 8, 99);
      assert.notDeepEqual(c.final, a.final, "another seed gives another match");
    });

    it("replay the logged inputs to the same outcome", () => {
      const rules = definition!.rules;
      const played = playRules(fixture, 11, 5);
      const replayed = replayMatch(rules, played.setup, played.log);
      assert.deepEqual(rules.outcome(replayed), rules.outcome(played.final));
      // and through the stored form of the log
      const stored = played.log.map(([at, input]) => [at, rules.codec ? rules.codec.encode(input) : input] as [number, unknown]);
      const decoded = stored.map(([at, raw]) => [at, rules.codec ? rules.codec.decode(JSON.parse(JSON.stringify(raw))) : raw] as LoggedInput<Record<string, unknown>>);
      assert.deepEqual(rules.outcome(replayMatch(rules, played.setup, decoded)), rules.outcome(played.final));
    });

    it("can be sought: a replay timeline gives at any point the state re-running up to it gives (plain, cloneable data)", () => {
      const rules = definition!.rules;
      const played = playRules(fixture, 13, 17);
      const timeline = new MatchTimeline(rules, played.setup, played.log, { snapshotEveryMs: 1000 });
      assert.deepEqual(rules.outcome(timeline.seek(timeline.end).state), rules.outcome(played.final));
      const rng = new Rng(29);
      for (let i = 0; i < 12; i++) {
        const at = timeline.clock.kind === "tick" ? Math.floor(rng.float() * timeline.end) : rng.float() * timeline.end;
        // strict equality compares prototypes too: a class instance in the state would not survive the snapshot
        assert.deepEqual(timeline.seek(at).state, replayMatch(rules, played.setup, played.log, at), `state at ${at}`);
      }
    });

    it("refuse inputs against the rules with typed errors and change nothing", () => {
      const rules = definition!.rules;
      const setup = fixture.setup(3);
      const clock = rules.clock(setup.settings);
      let state = rules.create(setup);
      let checked = 0;
      for (let step = 0; step < 400 && !rules.isOver(state); step++) {
        for (const { seat } of setup.players) {
          for (const { input, code } of fixture.refusals(state, seat)) {
            const before = structuredClone(state);
            const result = rules.apply(state, input, rules.now(state));
            assert.equal(result.refused, true, `refused: ${JSON.stringify(input)}`);
            if (result.refused) assert.equal(result.code, code);
            assert.deepEqual(state, before, "a refused input changes nothing");
            checked++;
          }
        }
        const to = clock.kind === "tick" ? rules.now(state) + 1 : (rules.nextDeadline(state) ?? rules.now(state) + 1000);
        state = rules.advance(state, to).state;
      }
      assert.ok(checked > 0, "the fixture named refusals to check");
    });

    it("end the same whether time advances in one step or in many", () => {
      const rules = definition!.rules;
      const setup = fixture.setup(21);
      const clock = rules.clock(setup.settings);
      const once = runToEnd(rules, clock, rules.create(setup));
      let stepped = rules.create(setup);
      for (let i = 0; i < 1_000_000 && !rules.isOver(stepped); i++) {
        const deadline = rules.nextDeadline(stepped);
        if (deadline === null) break;
        // halfway to the deadline first, then the deadline itself
        const now = rules.now(stepped);
        if (clock.kind === "event" && deadline - now > 1) stepped = advanceTo(rules, clock, stepped, now + (deadline - now) / 2);
        stepped = advanceTo(rules, clock, stepped, deadline);
      }
      assert.deepEqual(rules.outcome(stepped), rules.outcome(once));
    });
  });

  describe(`${fixture.mode}: the room`, () => {
    let server: RoomServer;
    before(async () => {
      server = await startRoomServer(fixture.env);
    });
    after(async () => {
      await server?.close();
    });

    const join = async (tag: string) => {
      const client = await server.player(tag);
      return (await client.join(fixture.mode, fixture.options)) as RoomOf<M>;
    };

    // one idle match serves four checks: an idle match ends by itself, is stored once and replays to
    // itself; a spectator watches it without a seat; no client (player or spectator) sees hidden
    // information before its reveal, checked on the raw frames each one received
    it("plays an idle match to its end: stored once, replayed exactly, watched by a spectator without a seat, nothing hidden leaking", async () => {
      const rooms = [] as Array<RoomOf<M>>;
      for (let i = 0; i < fixture.humans; i++) rooms.push(await join(`idle-${i}`));
      const views = rooms.map((r) => new RawView(contract.state, framesOf(r.sessionId)));
      await rooms[0]!.waitFor(() => fixture.running(rooms[0]!), 30_000);

      const watcher = await server.player("watcher");
      const spectator = (await watcher.spectate(rooms[0]!.roomId, fixture.mode)) as unknown as RoomOf<M>;
      assert.equal(spectator.spectator, true);
      const watched = new RawView(contract.state, framesOf(spectator.sessionId));
      await spectator.waitFor(() => fixture.running(spectator), 10_000);
      const errors: ErrorPayload[] = [];
      spectator.onError((e) => errors.push(e));
      const [type] = Object.keys(contract.messages);
      spectator.room.send(type!, {});
      const deadline = Date.now() + 3000;
      while (errors.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(errors.map((e) => e.code), [ErrorCode.NotParticipant], "a spectator sends nothing");

      const [finished, seenEnd] = await Promise.all([
        rooms[0]!.next("finished" as never, 60_000) as Promise<{ matchId: string }>,
        spectator.next("finished" as never, 60_000) as Promise<{ matchId: string }>,
      ]);
      assert.equal(seenEnd.matchId, finished.matchId, "the spectator saw the same match end");
      // every player, and every field the spectator decoded, as a player has it (a player has its own hidden fields too)
      const seen = JSON.parse(JSON.stringify(spectator.state.toJSON()))[contract.playersField] as Record<string, Record<string, unknown>>;
      const played = JSON.parse(JSON.stringify(rooms[0]!.state.toJSON()))[contract.playersField] as Record<string, Record<string, unknown>>;
      assert.deepEqual(Object.keys(seen).sort(), Object.keys(played).sort(), "the spectator sees every player");
      for (const [key, entry] of Object.entries(seen)) {
        for (const [field, value] of Object.entries(entry)) assert.deepEqual(value, played[key]![field], `${key}.${field} as the players see it`);
      }

      if (fixture.leak) {
        for (const [i, view] of views.entries()) {
          const leak = view.firstLeak((decoded, messages) => fixture.leak!(decoded, messages, rooms[i]!.sessionId));
          assert.equal(leak, null, `client ${i}: ${leak}`);
          assert.ok(view.frames > 0);
        }
        assert.equal(watched.firstLeak((decoded, messages) => fixture.leak!(decoded, messages, spectator.sessionId)), null, "the spectator");
      }

      await server.results.flush(5000);
      const stored = await server.database.db.select().from(matches).where(eq(matches.id, finished.matchId));
      assert.equal(stored.length, 1);
      assert.equal(stored[0]!.mode, fixture.mode);
      assert.equal(stored[0]!.rulesVersion, definition!.rules.version);
      const participants = await server.database.db.select().from(matchParticipants).where(eq(matchParticipants.matchId, finished.matchId));
      assert.ok(participants.length >= fixture.humans);
      assert.ok(participants.every((p) => p.displayName !== "watcher"), "a spectator is no participant");
      const report = await replayStoredMatch(server.database.db, finished.matchId);
      assert.equal(report?.verdict, "reproduced", `replay: ${JSON.stringify(report)}`);
      await Promise.all([...rooms, spectator].map((r) => r.leave()));
    });

    it("answers invalid messages with typed errors, keeps the client and changes nothing", async () => {
      const rooms = [] as Array<RoomOf<M>>;
      for (let i = 0; i < fixture.humans; i++) rooms.push(await join(`typed-${i}`));
      const room = rooms[0]!;
      await room.waitFor(() => fixture.running(room), 30_000);
      const errors: ErrorPayload[] = [];
      room.onError((e) => errors.push(e));
      for (const { type, payload } of fixture.invalidMessages) room.room.send(type, payload);
      room.room.send("no-such-type", {});
      const deadline = Date.now() + 5000;
      while (errors.length < fixture.invalidMessages.length + 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.equal(errors.length, fixture.invalidMessages.length + 1, `one error each: ${JSON.stringify(errors)}`);
      const known = new Set([...COMMON_CODES, ...contract.errors]);
      for (const e of errors) assert.ok(known.has(e.code), `a code of the contract: ${e.code}`);
      assert.ok(room.room.connection.isOpen, "still connected");
      const serverRoom = server.test.getRoomById(room.roomId) as unknown as { inputLog: { length: number } };
      assert.equal(serverRoom.inputLog.length, 0, "nothing logged: idle players and refused messages only");
      await Promise.all(rooms.map((r) => r.leave()));
    });

    it("ends a running match as aborted when the node drains, and stores it", async () => {
      const rooms = [] as Array<RoomOf<M>>;
      for (let i = 0; i < fixture.humans; i++) rooms.push(await join(`drain-${i}`));
      await rooms[0]!.waitFor(() => fixture.running(rooms[0]!), 30_000);
      const finished = rooms[0]!.next("finished" as never, 30_000) as Promise<{ matchId: string }>;
      await server.drain();
      const { matchId } = await finished;
      const [stored] = await server.database.db.select().from(matches).where(eq(matches.id, matchId));
      assert.equal(stored?.status, "aborted");
      assert.equal((stored?.summary as { reason?: string }).reason, "shutdown");
    });
  });
}
