import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Decoder, Encoder, StateView } from "@colyseus/schema";
import { ErrorCode } from "@arena/shared";
import { Rng } from "@arena/shared/kit/random";
import { decodeLog, replayMatch, runToEnd, type LoggedInput, type RulesInput, type SeatedPlayer } from "@arena/shared/kit/rules";
import { DiceState } from "@arena/shared/modes/dice/contract";
import { atLeast, beats, bidChance, decide } from "@arena/shared/modes/dice/bots";
import { diceProjection } from "@arena/shared/modes/dice/projection";
import { diceBotId, diceCodec, diceRules, occupantOf, seatsWithBots, type DiceMatch, type DiceMessages, type DiceSettings } from "@arena/shared/modes/dice/rules";

const SETTINGS: DiceSettings = { maxPlayers: 4, dice: 5, turnMs: 10_000, revealMs: 2_000, botThinkMs: 1_000 };
const clock = { kind: "event" } as const;
const HUMANS: SeatedPlayer[] = [
  { seat: 0, playerId: "00000000-0000-4000-8000-00000000000a", name: "ada" },
  { seat: 2, playerId: "00000000-0000-4000-8000-00000000000b", name: "bob" },
];

function create(seed = 7, settings: DiceSettings = SETTINGS, players: SeatedPlayer[] = HUMANS): DiceMatch {
  return diceRules.create({ seed, settings, players });
}

function apply(match: DiceMatch, input: RulesInput<DiceMessages>, at = match.now) {
  diceRules.advance(match, at);
  return diceRules.apply(match, input, at);
}

/** Puts a human on turn with a known table: seat dice as given (others out). */
function table(hands: number[][], turn: number, humans = hands.map((_, seat) => ({ seat, playerId: `00000000-0000-4000-8000-00000000000${seat}`, name: `p${seat}` }))): DiceMatch {
  const match = create(1, { ...SETTINGS, maxPlayers: hands.length }, humans);
  hands.forEach((dice, seat) => {
    match.seats[seat]!.dice = dice.slice().sort((a, b) => a - b);
    match.seats[seat]!.count = dice.length;
  });
  match.turn = turn;
  match.botMovesAt = occupantOf(match, turn).isBot ? match.botMovesAt : null;
  return match;
}

/**
 * Plays a match the way the room does: humans in `humans` act at seeded moments within their turn
 * (mostly what their bot would do, sometimes a bad bid that is refused), time advances to each
 * input first. Returns the final state and the log of accepted inputs.
 */
function playLive(seed: number, settings = SETTINGS, players = HUMANS, extra: Array<LoggedInput<DiceMessages>> = []) {
  const match = diceRules.create({ seed, settings, players });
  const rng = new Rng(seed ^ 0x5eed);
  const log: Array<LoggedInput<DiceMessages>> = [];
  const pending = extra.slice();
  for (let guard = 0; !diceRules.isOver(match) && guard < 100_000; guard++) {
    const deadline = diceRules.nextDeadline(match)!;
    const next = pending[0];
    if (next && next[0] <= deadline) {
      pending.shift();
      const step = apply(match, next[1], next[0]);
      if (!step.refused && step.logged !== false) log.push(next);
      continue;
    }
    const seat = match.turn;
    const human = match.phase === "bidding" && !occupantOf(match, seat).isBot;
    if (!human || rng.float() < 0.2) {
      diceRules.advance(match, deadline);
      continue;
    }
    const at = match.now + Math.floor(rng.float() * (match.turnEndsAt - match.now));
    const own = match.seats[seat]!.dice;
    const total = match.seats.reduce((sum, s) => sum + s.count, 0);
    const action = decide(own, total, match.bid);
    const input: RulesInput<DiceMessages> =
      rng.float() < 0.1 && match.bid
        ? { type: "bid", seat, payload: { quantity: match.bid.quantity, face: match.bid.face } }
        : action.kind === "liar"
          ? { type: "liar", seat, payload: {} }
          : { type: "bid", seat, payload: { quantity: action.quantity, face: action.face } };
    const step = apply(match, input, at);
    if (!step.refused && step.logged !== false) log.push([at, input]);
  }
  return { match, log };
}

describe("dice bots: the chance that a bid is true", () => {
  it("computes binomial tails for p = 1/6", () => {
    assert.equal(atLeast(0, 5), 1);
    assert.equal(atLeast(6, 5), 0);
    assert.ok(Math.abs(atLeast(1, 1) - 1 / 6) < 1e-12);
    assert.ok(Math.abs(atLeast(2, 2) - 1 / 36) < 1e-12);
    assert.ok(Math.abs(atLeast(1, 3) - (1 - (5 / 6) ** 3)) < 1e-12);
    // P(X ≥ 2), n = 5, by the formula: 1 − (5/6)^5 − 5 · (1/6) · (5/6)^4
    assert.ok(Math.abs(atLeast(2, 5) - (1 - (5 / 6) ** 5 - 5 * (1 / 6) * (5 / 6) ** 4)) < 1e-12);
    for (let k = 1; k < 20; k++) assert.ok(atLeast(k, 20) >= atLeast(k + 1, 20), "tails shrink");
  });

  it("counts the bidder's own dice as certain", () => {
    assert.equal(bidChance([3, 3, 5], 10, 2, 3), 1);
    assert.ok(Math.abs(bidChance([3, 3, 5], 10, 3, 3) - atLeast(1, 7)) < 1e-12);
    assert.equal(bidChance([1, 2], 4, 5, 6), 0);
  });

  it("opens with what it holds most of, raises on its best face, calls liar on unlikely bids", () => {
    assert.deepEqual(decide([2, 4, 4, 6, 6], 20, null), { kind: "bid", quantity: 2, face: 6 });
    assert.deepEqual(decide([1, 2, 3, 4, 5], 20, null), { kind: "bid", quantity: 1, face: 5 });
    // holding three fives, raising fives is the most likely raise
    assert.deepEqual(decide([5, 5, 5, 1, 2], 20, { quantity: 3, face: 4 }), { kind: "bid", quantity: 3, face: 5 });
    // eight sixes among ten dice when it holds none: a lie
    assert.deepEqual(decide([1, 2, 3, 4, 5], 10, { quantity: 8, face: 6 }), { kind: "liar" });
    // no raise is left when the bid is every die showing six
    assert.deepEqual(decide([6, 6], 4, { quantity: 4, face: 6 }), { kind: "liar" });
  });

  it("orders bids: more dice, or as many of a higher face", () => {
    assert.ok(beats(1, 1, null));
    assert.ok(beats(3, 2, { quantity: 2, face: 6 }));
    assert.ok(beats(2, 5, { quantity: 2, face: 4 }));
    assert.ok(!beats(2, 4, { quantity: 2, face: 4 }));
    assert.ok(!beats(2, 3, { quantity: 2, face: 4 }));
    assert.ok(!beats(1, 6, { quantity: 2, face: 1 }));
  });
});

describe("dice rules", () => {
  it("seats bots in the free seats and rolls everyone's dice from the seed", () => {
    const match = create();
    assert.deepEqual(
      match.participants.map((p) => [p.seat, p.isBot, p.name]),
      [
        [0, false, "ada"],
        [1, true, "Deuce (bot)"],
        [2, false, "bob"],
        [3, true, "Cater (bot)"],
      ],
    );
    assert.equal(match.participants[1]!.playerId, diceBotId(1));
    assert.equal(match.round, 1);
    for (const seat of match.seats) {
      assert.equal(seat.dice.length, 5);
      assert.ok(seat.dice.every((d) => Number.isInteger(d) && d >= 1 && d <= 6));
      assert.deepEqual(seat.dice, seat.dice.slice().sort((a, b) => a - b));
    }
    assert.deepEqual(create().seats, match.seats, "the same seed rolls the same dice");
    assert.notDeepEqual(create(8).seats, match.seats, "another seed rolls other dice");
  });

  it("takes a bid from the seat on turn and passes the turn to the next seat with dice", () => {
    const match = table([[1, 2], [3, 4], [], [5, 6]], 1);
    const step = apply(match, { type: "bid", seat: 1, payload: { quantity: 2, face: 3 } });
    assert.ok(!step.refused);
    assert.deepEqual(match.bid, { quantity: 2, face: 3, seat: 1 });
    assert.equal(match.turn, 3, "seat 2 is out: skipped");
    assert.equal(match.turnEndsAt, match.now + SETTINGS.turnMs);
    assert.equal(match.participants[1]!.bids, 1);
  });

  it("refuses what a seat may not do with a typed error and changes nothing", () => {
    const match = table([[1, 2], [3, 4], [], [5, 6]], 1);
    apply(match, { type: "bid", seat: 1, payload: { quantity: 2, face: 3 } });
    const cases: Array<[RulesInput<DiceMessages>, string]> = [
      [{ type: "bid", seat: 0, payload: { quantity: 3, face: 3 } }, ErrorCode.NotYourTurn],
      [{ type: "liar", seat: 1, payload: {} }, ErrorCode.NotYourTurn],
      [{ type: "bid", seat: 3, payload: { quantity: 2, face: 3 } }, ErrorCode.InvalidBid],
      [{ type: "bid", seat: 3, payload: { quantity: 2, face: 2 } }, ErrorCode.InvalidBid],
      [{ type: "bid", seat: 3, payload: { quantity: 1, face: 6 } }, ErrorCode.InvalidBid],
      [{ type: "bid", seat: 3, payload: { quantity: 7, face: 1 } }, ErrorCode.InvalidBid],
      [{ type: "bid", seat: 2, payload: { quantity: 3, face: 3 } }, ErrorCode.NotParticipant],
      [{ type: "bid", seat: 9, payload: { quantity: 3, face: 3 } }, ErrorCode.NotParticipant],
      [{ type: "join", seat: 3, playerId: "00000000-0000-4000-8000-0000000000ff", name: "late" }, ErrorCode.NotParticipant],
    ];
    for (const [input, code] of cases) {
      const before = structuredClone(match);
      const step = diceRules.apply(match, input, match.now + 5);
      assert.ok(step.refused, `${JSON.stringify(input)} is refused`);
      assert.equal(step.code, code, JSON.stringify(input));
      assert.deepEqual(match, before, `${JSON.stringify(input)} changed nothing`);
    }
    const opening = table([[1], [2]], 0);
    const refused = diceRules.apply(opening, { type: "liar", seat: 0, payload: {} }, 0);
    assert.ok(refused.refused && refused.code === ErrorCode.InvalidBid, "no bid to call at the start of a round");
  });

  it("a bid that stands costs the challenger a die; the loser opens the next round after the reveal", () => {
    const match = table([[3, 3, 5], [1, 3], [2, 6]], 0);
    apply(match, { type: "bid", seat: 0, payload: { quantity: 3, face: 3 } });
    const step = apply(match, { type: "liar", seat: 1, payload: {} });
    assert.ok(!step.refused);
    assert.equal(match.phase, "reveal");
    assert.deepEqual(
      { count: match.reveal!.count, bidStood: match.reveal!.bidStood, loser: match.reveal!.loser, eliminated: match.reveal!.eliminated },
      { count: 3, bidStood: true, loser: 1, eliminated: false },
    );
    assert.deepEqual(match.reveal!.dice, [[3, 3, 5], [1, 3], [2, 6]]);
    assert.deepEqual(match.seats.map((s) => s.count), [3, 1, 2]);
    assert.equal(match.participants[1]!.diceLost, 1);
    assert.deepEqual([match.participants[1]!.challenges, match.participants[1]!.challengesWon], [1, 0]);
    const refused = diceRules.apply(match, { type: "bid", seat: 1, payload: { quantity: 1, face: 1 } }, match.now);
    assert.ok(refused.refused && refused.code === ErrorCode.WrongPhase, "no bids during the reveal");

    const revealAt = match.now;
    diceRules.advance(match, revealAt + SETTINGS.revealMs - 1);
    assert.equal(match.phase, "reveal");
    diceRules.advance(match, revealAt + SETTINGS.revealMs);
    assert.equal(match.phase, "bidding");
    assert.equal(match.round, 2);
    assert.equal(match.turn, 1, "the loser opens");
    assert.equal(match.bid, null);
    assert.deepEqual(match.seats.map((s) => s.dice.length), [3, 1, 2], "everyone rolled the dice they hold");
  });

  it("a false bid costs the bidder a die; a player without dice is out and the next seat opens", () => {
    const match = table([[4], [1, 2], [2, 6]], 0);
    apply(match, { type: "bid", seat: 0, payload: { quantity: 2, face: 4 } });
    apply(match, { type: "liar", seat: 1, payload: {} });
    assert.deepEqual([match.reveal!.count, match.reveal!.bidStood, match.reveal!.loser, match.reveal!.eliminated], [1, false, 0, true]);
    assert.deepEqual([match.participants[1]!.challenges, match.participants[1]!.challengesWon], [1, 1]);
    assert.equal(match.participants[0]!.active, false);
    assert.equal(match.participants[0]!.outOrder, 1);
    diceRules.advance(match, match.now + SETTINGS.revealMs);
    assert.equal(match.turn, 1, "the seat after the eliminated loser opens");
    assert.deepEqual(match.seats[0]!.dice, []);
    const refused = diceRules.apply(match, { type: "bid", seat: 0, payload: { quantity: 1, face: 1 } }, match.now);
    assert.ok(refused.refused && refused.code === ErrorCode.NotParticipant);
  });

  it("the last player with dice wins; places go by elimination and scores by place", () => {
    const match = table([[6], [1]], 1);
    apply(match, { type: "bid", seat: 1, payload: { quantity: 1, face: 1 } });
    apply(match, { type: "bid", seat: 0, payload: { quantity: 2, face: 1 } });
    apply(match, { type: "liar", seat: 1, payload: {} });
    assert.ok(diceRules.isOver(match));
    assert.equal(diceRules.nextDeadline(match), null);
    const outcome = diceRules.outcome(match);
    assert.equal(outcome.status, "completed");
    assert.deepEqual(outcome.standings.map((s) => [s.seat, s.placement, s.score, s.leftEarly]), [
      [1, 1, 100, false],
      [0, 2, 0, false],
    ]);
    assert.equal(outcome.summary.winner, match.participants[1]!.playerId);
  });

  it("bots play their turns after their thinking time; a bot-filled match ends by itself", () => {
    const match = create(3, SETTINGS, [HUMANS[0]!]);
    let botTurns = 0;
    for (let guard = 0; !diceRules.isOver(match) && guard < 10_000; guard++) {
      if (match.phase === "bidding" && occupantOf(match, match.turn).isBot) {
        botTurns++;
        const delay = match.botMovesAt! - match.now;
        assert.ok(delay >= SETTINGS.botThinkMs / 2 && delay <= SETTINGS.botThinkMs, `a bot thinks 50-100 % of ${SETTINGS.botThinkMs} ms (${delay})`);
      }
      diceRules.advance(match, diceRules.nextDeadline(match)!);
    }
    assert.ok(diceRules.isOver(match));
    assert.ok(botTurns > 10);
    const outcome = diceRules.outcome(match);
    assert.deepEqual(outcome.standings.map((s) => s.placement), [1, 2, 3, 4]);
    assert.deepEqual(outcome.standings.map((s) => s.score), [300, 200, 100, 0]);
    assert.equal(match.seats.filter((s) => s.count > 0).length, 1);
    assert.ok(match.participants[0]!.timeouts > 0, "the idle human's turns were played by the timer");
  });

  it("a turn that times out is played as the seat's bot would play it", () => {
    const match = table([[2, 5, 5], [1, 3]], 0);
    const at = match.turnEndsAt;
    diceRules.advance(match, at - 1);
    assert.equal(match.bid, null, "nothing before the timer");
    diceRules.advance(match, at);
    assert.deepEqual(match.bid, { quantity: 2, face: 5, seat: 0 }, "the bot's opening: the face it holds most of");
    assert.equal(match.participants[0]!.timeouts, 1);
    assert.equal(match.turn, 1);
  });

  it("a human takes a bot's seat, dice and turn; leaving hands it back and places the human by when they left", () => {
    const match = create(11, SETTINGS, [HUMANS[0]!]);
    const botSeat = seatsWithBots(match)[0]!;
    const dice = match.seats[botSeat]!.dice.slice();
    const late = { type: "join", seat: botSeat, playerId: "00000000-0000-4000-8000-0000000000cc", name: "carol" } as const;
    const joinAt = 500;
    const step = apply(match, late, joinAt);
    assert.ok(!step.refused);
    assert.equal(occupantOf(match, botSeat).name, "carol");
    assert.deepEqual(match.seats[botSeat]!.dice, dice, "the human plays the bot's dice");
    assert.ok(!seatsWithBots(match).includes(botSeat));
    const bot = match.participants.find((p) => p.playerId === diceBotId(botSeat))!;
    assert.deepEqual([bot.active, bot.leftEarly, bot.outOrder], [false, true, 1]);
    if (match.turn === botSeat) assert.deepEqual([match.turnEndsAt, match.botMovesAt], [joinAt + SETTINGS.turnMs, null], "a fresh turn for the human");
    const twice = diceRules.apply(match, late, joinAt);
    assert.ok(twice.refused, "the seat has no bot any more");

    const leave = apply(match, { type: "leave", seat: botSeat }, 900);
    assert.ok(!leave.refused);
    assert.equal(occupantOf(match, botSeat), bot, "the seat's own bot is back");
    assert.deepEqual([bot.active, bot.leftEarly, bot.outOrder], [true, false, null]);
    const carol = match.participants.find((p) => p.name === "carol")!;
    assert.deepEqual([carol.active, carol.leftEarly, carol.outOrder], [false, true, 2]);
    const again = apply(match, { type: "leave", seat: botSeat }, 950);
    assert.ok(!again.refused && again.logged === false, "leaving a bot's seat changes nothing");

    const final = runToEnd(diceRules, clock, match);
    const outcome = diceRules.outcome(final);
    assert.equal(outcome.standings.length, 5, "four seats, and carol who played one for a while");
    assert.equal(new Set(outcome.standings.map((s) => s.playerId)).size, 5);
    const carolPlace = outcome.standings.find((s) => s.name === "carol")!;
    assert.equal(carolPlace.leftEarly, true);
    assert.equal(carolPlace.placement, 5, "the first of five to stop playing: her seat's bot came back and played on");
  });

  it("a player who left and joins again plays on as the same participant", () => {
    const match = create(12, SETTINGS, [HUMANS[0]!]);
    apply(match, { type: "leave", seat: 0 }, 100);
    const open = seatsWithBots(match);
    assert.ok(open.includes(0));
    apply(match, { type: "join", seat: open[1]!, playerId: HUMANS[0]!.playerId, name: "ada" }, 200);
    const ada = match.participants.filter((p) => p.playerId === HUMANS[0]!.playerId);
    assert.equal(ada.length, 1);
    assert.deepEqual([ada[0]!.active, ada[0]!.seat, ada[0]!.leftEarly], [true, open[1], false]);
  });

  it("a stopped match is aborted; the players still in are placed by the dice they hold", () => {
    const match = table([[1, 2, 3], [4], [5, 6, 6]], 0);
    const step = apply(match, { type: "stop", reason: "shutdown" });
    assert.ok(!step.refused);
    const outcome = diceRules.outcome(match);
    assert.deepEqual([outcome.status, outcome.reason], ["aborted", "shutdown"]);
    assert.deepEqual(outcome.standings.map((s) => [s.seat, s.placement]), [
      [0, 1],
      [2, 1],
      [1, 3],
    ]);
    assert.ok(diceRules.apply(match, { type: "bid", seat: 0, payload: { quantity: 1, face: 1 } }, match.now).refused);
  });

  it("replays: the same seed and log give the same match; the stored log decodes to it", () => {
    const lateJoin: Array<LoggedInput<DiceMessages>> = [
      [4_000, { type: "join", seat: 1, playerId: "00000000-0000-4000-8000-0000000000dd", name: "dora" }],
      [30_000, { type: "leave", seat: 2 }],
    ];
    for (const seed of [1, 2, 3, 99, 12345]) {
      const live = playLive(seed, SETTINGS, HUMANS, lateJoin);
      assert.ok(diceRules.isOver(live.match));
      assert.ok(live.log.length > 5);
      const stored = live.log.map(([at, input]) => [at, diceCodec.encode(input)] as [number, unknown]);
      const decoded = decodeLog(diceRules, JSON.parse(JSON.stringify(stored)));
      const replayed = replayMatch(diceRules, { seed, settings: SETTINGS, players: HUMANS }, decoded);
      assert.deepEqual(replayed, live.match, `seed ${seed}: the replay is the match`);
      assert.deepEqual(diceRules.outcome(replayed), diceRules.outcome(live.match));
    }
    assert.notDeepEqual(diceRules.outcome(playLive(1).match).standings, diceRules.outcome(playLive(2).match).standings);
  });

  it("advancing in two steps is advancing once (timers firing late change nothing)", () => {
    for (const seed of [5, 6, 7]) {
      const base = create(seed, SETTINGS, [HUMANS[0]!]);
      for (const [a, b] of [
        [3_000, 9_000],
        [10_000, 10_000],
        [1, 60_000],
        [12_345.5, 40_000],
      ] as const) {
        const once = diceRules.advance(structuredClone(base), b).state;
        const split = structuredClone(base);
        diceRules.advance(split, a);
        diceRules.advance(split, b);
        assert.deepEqual(split, once, `seed ${seed}: ${a} then ${b}`);
      }
    }
  });

  it("stores inputs as compact tuples and reads them back", () => {
    const inputs: Array<RulesInput<DiceMessages>> = [
      { type: "bid", seat: 2, payload: { quantity: 4, face: 6 } },
      { type: "liar", seat: 1, payload: {} },
      { type: "join", seat: 3, playerId: "00000000-0000-4000-8000-000000000001", name: "eve" },
      { type: "leave", seat: 0 },
      { type: "stop", reason: "shutdown" },
    ];
    for (const input of inputs) assert.deepEqual(diceCodec.decode(JSON.parse(JSON.stringify(diceCodec.encode(input)))), input);
    assert.deepEqual(diceCodec.encode(inputs[0]!), [2, 4, 6]);
  });
});

describe("dice projection", () => {
  function encoded(match: DiceMatch) {
    const state = diceProjection.create(1, SETTINGS, "m-1");
    const keys = (playerId: string, seat: number) => (playerId.startsWith("d1ce") ? `bot-${seat}` : `s-${seat}`);
    diceProjection.project(state, match, { keyOf: keys, connected: () => true, now: match.now });
    const encoder = new Encoder(state);
    const view = new StateView();
    for (const instance of diceProjection.privateTo!(state, match, 0)) view.add(instance);
    const shared = encoder.encodeAll({ offset: 0 });
    const sharedBytes = Buffer.from(shared);
    const viewBytes = Buffer.from(encoder.encodeAllView(view, shared.length, { offset: shared.length }));
    const decode = (bytes: Buffer) => {
      const decoder = new Decoder(new DiceState());
      decoder.decode(bytes);
      return decoder.state.toJSON() as { players: Record<string, { seat: number; dice?: number[]; diceCount: number }> };
    };
    return { state, shared: decode(sharedBytes), own: decode(viewBytes) };
  }

  it("shows a seat's dice only to that seat's view; everyone sees counts", () => {
    const match = create();
    const { shared, own } = encoded(match);
    for (const player of Object.values(shared.players)) {
      assert.equal(player.dice, undefined, `seat ${player.seat}'s dice are not in the shared state`);
      assert.equal(player.diceCount, 5);
    }
    for (const player of Object.values(own.players)) {
      if (player.seat === 0) assert.deepEqual(player.dice, match.seats[0]!.dice, "seat 0 sees its own dice");
      else assert.equal(player.dice, undefined, `seat 0 does not see seat ${player.seat}'s dice`);
    }
  });

  it("reveals every seat's dice after a challenge", () => {
    const match = table([[3, 3, 5], [1, 3], [2, 6]], 0);
    apply(match, { type: "bid", seat: 0, payload: { quantity: 3, face: 3 } });
    apply(match, { type: "liar", seat: 1, payload: {} });
    const { state } = encoded(match);
    assert.equal(state.phase, "reveal");
    assert.deepEqual([...state.players.values()].map((p) => [...p.revealed]), [[3, 3, 5], [1, 3], [2, 6]]);
    assert.deepEqual([state.reveal.count, state.reveal.loser, state.reveal.challenger], [3, 1, 1]);
  });
});
