/**
 * The race's input log in column arrays instead of one small array per entry: a race of 8 logs a few
 * entries per player and second, which as JS arrays were thousands of objects a second per node for
 * the garbage collector to promote and mark. About 15 bytes an entry instead of about 100; the stored
 * result still gets the codec's plain tuples (`entries()`).
 */
import type { StoredInputLog, RulesInput } from "@arena/shared/kit/rules";
import { raceCodec, type RaceMessages } from "@arena/shared/modes/race/rules";
import type { InputLog } from "../../kit/input-log.js";

const STEER_OFFSET = 1;
const LEAVE_CODE = 3;
const STOP_CODE = 4;

export class RaceInputLog implements InputLog<RaceMessages> {
  private ticks = new Uint32Array(256);
  private seats = new Uint8Array(256);
  /** Float64: replay must see the exact throttle the simulation used. */
  private throttles = new Float64Array(256);
  /** steer + 1 (0, 1, 2), LEAVE_CODE or STOP_CODE. */
  private codes = new Uint8Array(256);
  private boosts = new Uint8Array(256);
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(tick: number, input: RulesInput<RaceMessages>): void {
    if (this.count === this.ticks.length) this.grow();
    const i = this.count++;
    this.ticks[i] = tick;
    switch (input.type) {
      case "input":
        this.seats[i] = input.seat;
        this.throttles[i] = input.payload.throttle;
        this.codes[i] = input.payload.steer + STEER_OFFSET;
        this.boosts[i] = input.payload.boost ? 1 : 0;
        return;
      case "leave":
        this.seats[i] = input.seat;
        this.codes[i] = LEAVE_CODE;
        return;
      case "stop":
        this.codes[i] = STOP_CODE;
        return;
      default:
        this.count--;
        throw new Error(`race inputs of type ${input.type} are not logged`);
    }
  }

  entries(): StoredInputLog {
    const out: StoredInputLog = new Array(this.count);
    for (let i = 0; i < this.count; i++) out[i] = [this.ticks[i]!, raceCodec.encode(this.at(i))];
    return out;
  }

  private at(i: number): RulesInput<RaceMessages> {
    const code = this.codes[i]!;
    if (code === STOP_CODE) return { type: "stop", reason: "shutdown" };
    if (code === LEAVE_CODE) return { type: "leave", seat: this.seats[i]! };
    const steer = (code - STEER_OFFSET) as -1 | 0 | 1;
    return { type: "input", seat: this.seats[i]!, payload: { throttle: this.throttles[i]!, steer, boost: this.boosts[i] === 1 } };
  }

  private grow() {
    this.ticks = doubled(this.ticks);
    this.seats = doubled(this.seats);
    this.throttles = doubled(this.throttles);
    this.codes = doubled(this.codes);
    this.boosts = doubled(this.boosts);
  }
}

/** A typed array of twice the length holding the same values first. */
function doubled<T extends Uint8Array | Uint32Array | Float64Array>(old: T): T {
  const next = new (old.constructor as new (length: number) => T)(old.length * 2);
  next.set(old);
  return next;
}
