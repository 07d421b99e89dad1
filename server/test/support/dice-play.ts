/** Helpers of the dice tests: a player driven by the messages alone, and where dice show up in a payload. */
import type { RoomOf } from "@arena/client-sdk";
import { decide } from "@arena/shared/modes/dice/bots";

/**
 * Plays a seat from the messages alone, as a client that does not decode the state would: its dice
 * from `roll`, the bid to beat from `turn`, and the bot's choice of move. Started in the middle of a
 * match, it takes its seat, dice and a pending turn from the state once. Returns a stop function.
 */
export function autoplay(room: RoomOf<"dice">): () => void {
  const me = room.state?.players?.get(room.sessionId);
  let seat = me?.seat ?? -1;
  let own: number[] = me?.dice ? [...me.dice] : [];
  let active = true;
  const act = (totalDice: number, bid: { quantity: number; face: number } | null) => {
    const action = decide(own, totalDice, bid);
    if (action.kind === "liar") room.send("liar", {});
    else room.send("bid", { quantity: action.quantity, face: action.face });
  };
  room.on("roll", (roll) => {
    seat = roll.seat;
    own = roll.dice;
  });
  room.on("turn", (turn) => {
    if (active && turn.seat === seat) act(turn.totalDice, turn.bid);
  });
  const state = room.state;
  if (state?.phase === "bidding" && state.turnSeat === seat && own.length > 0) act(state.totalDice, state.bid.seat >= 0 ? { quantity: state.bid.quantity, face: state.bid.face } : null);
  return () => {
    active = false;
  };
}

/** Every array under a `dice` key anywhere in a message payload. */
export function diceArrays(value: unknown, out: unknown[][] = []): unknown[][] {
  if (Array.isArray(value)) for (const item of value) diceArrays(item, out);
  else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (key === "dice" && Array.isArray(item)) out.push(item);
      else diceArrays(item, out);
    }
  }
  return out;
}
