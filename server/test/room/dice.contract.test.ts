// not from the SDK: the suite's frame recorder must load before the SDK picks its WebSocket class
import { ErrorCode } from "@arena/shared";
import type { RulesInput } from "@arena/shared/kit/rules";
import { decide } from "@arena/shared/modes/dice/bots";
import { occupantOf, totalDice, type DiceMatch } from "@arena/shared/modes/dice/rules";
import { diceArrays } from "../support/dice-play.js";
import { modeContract } from "./support/mode-contract.js";

const human = (seat: number) => ({ seat, playerId: `00000000-0000-4000-8000-00000000000${seat}`, name: `dicer ${seat}` });

type Decoded = { round?: number; players?: Record<string, { seat: number; dice?: number[]; revealed?: number[] }> };

modeContract({
  mode: "dice",
  setup: (seed) => ({ seed, settings: { maxPlayers: 3, dice: 2, turnMs: 3000, revealMs: 500, botThinkMs: 200 }, players: [human(0), human(1)] }),
  eventStepMs: 250,
  randomMessage(state, seat, rng) {
    const match = state as DiceMatch;
    if (match.phase !== "bidding" || match.turn !== seat || rng.float() < 0.5) return null;
    const action = decide(match.seats[seat]!.dice, totalDice(match), match.bid);
    return action.kind === "liar" ? { type: "liar", seat, payload: {} } : { type: "bid", seat, payload: { quantity: action.quantity, face: action.face } };
  },
  refusals(state, seat) {
    const match = state as DiceMatch;
    const held = { input: { type: "join", seat, playerId: "00000000-0000-4000-8000-000000000099", name: "late" }, code: ErrorCode.NotParticipant } as const;
    const bid = (quantity: number) => ({ type: "bid", seat, payload: { quantity, face: 1 } });
    if (match.seats[seat]!.count === 0) return [held, { input: bid(1), code: ErrorCode.NotParticipant }];
    if (occupantOf(match, seat).isBot) return [];
    if (match.phase === "reveal") return [held, { input: bid(1), code: ErrorCode.WrongPhase }];
    if (match.turn !== seat) return [held, { input: bid(totalDice(match)), code: ErrorCode.NotYourTurn }];
    const refusals: Array<{ input: RulesInput<Record<string, unknown>>; code: ErrorCode }> = [held, { input: bid(totalDice(match) + 1), code: ErrorCode.InvalidBid }];
    if (!match.bid) refusals.push({ input: { type: "liar", seat, payload: {} }, code: ErrorCode.InvalidBid });
    return refusals;
  },

  options: { maxPlayers: 3, dice: 2 },
  env: { DICE_LOBBY_TIMEOUT_MS: "200", DICE_TURN_MS: "300", DICE_REVEAL_MS: "100", DICE_BOT_THINK_MS: "50" },
  humans: 2,
  invalidMessages: [
    { type: "bid", payload: { quantity: 0, face: 1 } },
    { type: "bid", payload: { quantity: 2, face: 9 } },
    { type: "bid", payload: "two sixes" },
    { type: "liar", payload: { bid: 3 } },
  ],
  running: (room) => room.state.phase === "bidding" || room.state.phase === "reveal",
  leak(decoded, messages, sessionId) {
    const { players = {}, round = 0 } = decoded as Decoded;
    const mine = players[sessionId]?.seat;
    for (const [key, player] of Object.entries(players)) {
      if (key !== sessionId && (player.dice?.length ?? 0) > 0) return `seat ${player.seat}'s dice in the state`;
      const revealedNow = messages.some(([type, payload]) => type === "reveal" && (payload as { round: number }).round === round);
      if (key !== sessionId && (player.revealed?.length ?? 0) > 0 && !revealedNow) return `seat ${player.seat}'s dice shown before round ${round}'s reveal`;
    }
    for (const [type, payload] of messages) {
      if (type === "roll" && mine !== undefined && (payload as { seat: number }).seat !== mine) return `a roll for seat ${(payload as { seat: number }).seat}`;
      if (type !== "roll" && type !== "reveal" && diceArrays(payload).length > 0) return `dice in a ${type} message`;
    }
    return null;
  },
});
