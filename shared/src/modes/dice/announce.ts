/** What liar's dice tells clients besides the state: each seat's roll (to that seat only), turns, reveals, the result. */
import { defineAnnouncements, type Announcer } from "../../kit/announce.js";
import { dice, type DiceFinishedPayload, type DiceTurnPayload } from "./contract.js";
import { seatsIn, totalDice, type DiceEvent, type DiceMatch, type DiceSettings } from "./rules.js";

type DiceAnnouncer = Announcer<typeof dice>;

function turnOf(match: DiceMatch): DiceTurnPayload {
  return {
    round: match.round,
    seat: match.turn,
    bid: match.bid ? { ...match.bid } : null,
    timeLeftMs: Math.max(0, Math.round(match.turnEndsAt - match.now)),
    diceCounts: match.seats.map((seat) => seat.count),
    totalDice: totalDice(match),
  };
}

function roll(match: DiceMatch, seat: number, announce: DiceAnnouncer): void {
  const dice = match.seats[seat]?.dice ?? [];
  if (dice.length > 0) announce.toSeat(seat, "roll", { round: match.round, seat, dice: dice.slice() });
}

export const diceAnnouncements = defineAnnouncements<typeof dice, DiceSettings, DiceMatch, DiceEvent>({
  started(match, announce) {
    for (const seat of seatsIn(match)) roll(match, seat, announce);
    announce.broadcast("turn", turnOf(match));
  },

  // a late timer may play several turns, even rounds, in one step: every reveal goes out, then the
  // dice and the turn as they stand at its end
  announce(events, match, announce) {
    for (const event of events) if (event.type === "reveal") announce.broadcast("reveal", event.reveal);
    if (match.phase !== "bidding") return;
    if (events.some((event) => event.type === "round")) for (const seat of seatsIn(match)) roll(match, seat, announce);
    if (events.some((event) => event.type === "turn")) announce.broadcast("turn", turnOf(match));
  },

  welcome(seat, { state: match }, announce) {
    if (!match || match.phase === "over") return;
    roll(match, seat, announce);
    if (match.phase === "bidding") announce.toSeat(seat, "turn", turnOf(match));
  },

  finished: (outcome, { matchId, state: match, sessionOf }): DiceFinishedPayload => ({
    matchId,
    status: outcome.status,
    reason: outcome.reason,
    rounds: match.round,
    standings: outcome.standings.map((s) => ({
      seat: s.seat,
      sessionId: s.isBot ? "" : (sessionOf(s.playerId) ?? ""),
      playerId: s.playerId,
      name: s.name,
      isBot: s.isBot,
      placement: s.placement,
      score: s.score,
      leftEarly: s.leftEarly,
      diceLost: Number(s.details.diceLost ?? 0),
    })),
  }),
});
