/**
 * The input log a running match keeps for its replay: every input the rules accepted, with its time,
 * in the stored form of the mode's codec.
 */
import type { InputCodec, RulesInput, StoredInputLog, Time } from "@arena/shared/kit/rules";

export interface InputLog<Messages> {
  push(at: Time, input: RulesInput<Messages>): void;
  readonly length: number;
  /** The log as stored with the match. */
  entries(): StoredInputLog;
}

/** Keeps the encoded inputs in an array. */
export class ArrayInputLog<Messages> implements InputLog<Messages> {
  private readonly items: StoredInputLog = [];

  constructor(private readonly codec?: InputCodec<Messages>) {}

  push(at: Time, input: RulesInput<Messages>): void {
    this.items.push([at, this.codec ? this.codec.encode(input) : input]);
  }

  get length(): number {
    return this.items.length;
  }

  entries(): StoredInputLog {
    return this.items.slice();
  }
}
