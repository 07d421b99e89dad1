// the suite first: it records raw frames, which the SDK must not load before
import { modeContract } from "./support/mode-contract.js";
import { ErrorCode } from "@arena/shared";
import type { RaceMatch } from "@arena/shared/modes/race/rules";
import { isRacing } from "@arena/shared/modes/race/simulation";

modeContract({
  mode: "race",
  setup: (seed) => ({
    seed,
    settings: { trackLength: 200, lanes: 3, maxPlayers: 3, tickRateHz: 20, countdownMs: 500 },
    players: [0, 1, 2].map((seat) => ({ seat, playerId: `00000000-0000-4000-8000-00000000000${seat}`, name: `racer ${seat}` })),
  }),
  randomMessage(state, seat, rng) {
    const match = state as RaceMatch;
    const racer = match.sim.racers.find((r) => r.slot === seat);
    if (!racer || !isRacing(racer) || rng.float() > 0.3) return null;
    return { type: "input", seat, payload: { throttle: 0.4 + rng.float() * 0.6, steer: rng.pick([-1, 0, 0, 1] as const), boost: rng.float() < 0.05 } };
  },
  refusals: (_state, seat) => [
    { input: { type: "join", seat, playerId: "00000000-0000-4000-8000-000000000099", name: "late" }, code: ErrorCode.WrongPhase },
    { input: { type: "input", seat: 7, payload: { throttle: 1, steer: 0, boost: false } }, code: ErrorCode.NotParticipant },
  ],

  options: { trackLength: 50, maxPlayers: 2, lanes: 2 },
  env: { RACE_COUNTDOWN_MS: "100", RACE_LOBBY_TIMEOUT_MS: "200" },
  humans: 2,
  invalidMessages: [
    { type: "input", payload: { throttle: 2, steer: 0, boost: false } },
    { type: "input", payload: { throttle: 1, steer: 5, boost: true } },
    { type: "input", payload: "full speed" },
  ],
  running: (room) => room.state.phase === "countdown" || room.state.phase === "racing",
});
