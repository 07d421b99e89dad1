/**
 * Matches for replay benchmarks and browser tests: a 10-minute war of 12 seats (6 humans walking,
 * 6 bots) and a race of 8 over 5 km, played through their pure rules with seeded "humans" to get
 * an input log as a room would store it.
 */
import type { Schema } from "@colyseus/schema";
import type { Projection } from "@arena/shared/kit/projection";
import { Rng } from "@arena/shared/kit/random";
import { advanceTo, type LoggedInput, type MatchSetup, type ModeRules, type RulesInput } from "@arena/shared/kit/rules";
import { raceProjection } from "@arena/shared/modes/race/projection";
import { raceRules, type RaceMatch } from "@arena/shared/modes/race/rules";
import { isRacing } from "@arena/shared/modes/race/simulation";
import { warProjection } from "@arena/shared/modes/war/projection";
import { warRules, type WarMatch } from "@arena/shared/modes/war/rules";

export type Messages = Record<string, unknown>;
type AnyRules = ModeRules<unknown, unknown, Messages, unknown>;
type AnyProjection = Projection<unknown, unknown, Schema>;

export interface Scenario {
  name: string;
  rules: AnyRules;
  projection: AnyProjection;
  setup: MatchSetup<unknown>;
  /** The humans' inputs at a tick, chosen with `rng`. */
  inputs(state: unknown, rng: Rng): Array<RulesInput<Messages>>;
}

/** Humans in seats 0..n-1. */
const humans = (n: number, label: string) => Array.from({ length: n }, (_, seat) => ({ seat, playerId: `00000000-0000-4000-8000-${String(seat).padStart(12, "0")}`, name: `${label} ${seat}` }));

/** A scenario of any mode, its rules and projection seen without the mode's own types. */
const scenario = <S>(name: string, rules: unknown, projection: unknown, setup: MatchSetup<unknown>, inputs: (state: S, rng: Rng) => Array<RulesInput<Messages>>): Scenario => ({
  name,
  rules: rules as AnyRules,
  projection: projection as AnyProjection,
  setup,
  inputs: inputs as Scenario["inputs"],
});

export const war = scenario<WarMatch>(
  "war, 10 min, 12 seats (6 humans)",
  warRules,
  warProjection,
  { seed: 20261201, settings: { factions: 3, maxPlayers: 12, scoreLimit: 100_000, timeLimitS: 600, tickRateHz: 20 }, players: humans(6, "human") },
  ({ sim }, rng) => {
    const out: Array<RulesInput<Messages>> = [];
    for (const seat of [0, 1, 2, 3, 4, 5]) {
      const unit = sim.seats[seat];
      // a human walks on about every 2.5 s of standing
      if (unit && unit.zone >= 0 && rng.float() < 0.02) out.push({ type: "move", seat, payload: { to: rng.pick(sim.map.zones[unit.zone]!.neighbours) } });
    }
    return out;
  },
);

export const race = scenario<RaceMatch>(
  "race, 5 km, 8 racers",
  raceRules,
  raceProjection,
  { seed: 7, settings: { trackLength: 5000, lanes: 4, maxPlayers: 8, tickRateHz: 20, countdownMs: 3000 }, players: humans(8, "racer") },
  (match, rng) => {
    const out: Array<RulesInput<Messages>> = [];
    for (const racer of match.sim.racers) {
      // the 10 inputs a second of a player holding keys; changes of throttle, lane or boost are logged
      if (isRacing(racer) && rng.float() < 0.5) out.push({ type: "input", seat: racer.slot, payload: { throttle: rng.float() < 0.9 ? 1 : 0.5, steer: rng.float() < 0.03 ? rng.pick([-1, 1] as const) : 0, boost: rng.float() < 0.01 } });
    }
    return out;
  },
);

/** Plays the scenario through its rules, logging what the rules accept, as a room would. */
export function play(scenario: Scenario): Array<LoggedInput<Messages>> {
  const { rules, setup } = scenario;
  const clock = rules.clock(setup.settings);
  const rng = new Rng(setup.seed);
  const log: Array<LoggedInput<Messages>> = [];
  let state = rules.create(setup);
  while (!rules.isOver(state)) {
    const at = rules.now(state);
    for (const input of scenario.inputs(state, rng)) {
      const step = rules.apply(state, input, at);
      if (!step.refused && step.logged !== false) log.push([at, input]);
    }
    state = advanceTo(rules, clock, state, at + 1);
  }
  return log;
}
