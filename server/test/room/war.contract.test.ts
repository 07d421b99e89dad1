// the suite first: it records raw frames, which the SDK must not load before
import { modeContract } from "./support/mode-contract.js";
import { ErrorCode } from "@arena/shared";
import type { WarMatch } from "@arena/shared/modes/war/rules";

const humanId = (seat: number) => `00000000-0000-4000-8000-00000000000${seat}`;

modeContract({
  mode: "war",
  // two humans and two bots; a short war that ends at its time limit unless a faction scores first
  setup: (seed) => ({
    seed,
    settings: { factions: 2, maxPlayers: 4, scoreLimit: 200, timeLimitS: 20, tickRateHz: 20 },
    players: [0, 1].map((seat) => ({ seat, playerId: humanId(seat), name: `soldier ${seat}` })),
  }),
  randomMessage(state, seat, rng) {
    const unit = (state as WarMatch).sim.seats[seat];
    if (!unit || unit.zone === -1 || rng.float() > 0.05) return null;
    return { type: "move", seat, payload: { to: rng.pick((state as WarMatch).sim.map.zones[unit.zone]!.neighbours) } };
  },
  refusals: (_state, seat) => [
    { input: { type: "move", seat, payload: { to: 200 } }, code: ErrorCode.InvalidMove },
    { input: { type: "move", seat: 2, payload: { to: 0 } }, code: ErrorCode.NotParticipant },
    { input: { type: "join", seat, playerId: humanId(9), name: "late" }, code: ErrorCode.NotParticipant },
    { input: { type: "leave", seat: 3 }, code: ErrorCode.NotParticipant },
  ],

  options: { maxPlayers: 4, timeLimit: 5 },
  env: { WAR_LOBBY_TIMEOUT_MS: "200" },
  humans: 2,
  invalidMessages: [
    { type: "move", payload: { to: -1 } },
    { type: "move", payload: { to: "1" } },
    { type: "move", payload: { to: 1, teleport: true } },
  ],
  running: (room) => room.state.phase === "playing",
});
