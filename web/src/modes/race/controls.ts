/**
 * Race controls: keys and on-screen buttons set what is held; `next()` turns that into the input to
 * send. The view calls it at a steady 10 Hz while keys are held (and once more when they are let
 * go, since the server keeps the last throttle), plus at once when a key goes down.
 */
import type { RaceInput } from "@arena/shared/modes/race/contract";

export type Control = "throttle" | "brake" | "left" | "right" | "boost";

/** Keyboard keys (KeyboardEvent.code) → controls: arrows and WASD, space to boost. */
export const KEY_CONTROLS: Readonly<Record<string, Control>> = {
  ArrowUp: "throttle",
  KeyW: "throttle",
  ArrowDown: "brake",
  KeyS: "brake",
  ArrowLeft: "left",
  KeyA: "left",
  ArrowRight: "right",
  KeyD: "right",
  Space: "boost",
};

export class RaceControls {
  private readonly held = new Set<Control>();
  /** A lane change or boost pressed since the last input, so a short tap is never lost. */
  private pendingSteer: -1 | 0 | 1 = 0;
  private pendingBoost = false;
  private lastThrottle: number | undefined;
  private seq = 0;

  /** Returns true if this press changes what should be sent (not a key repeat). */
  press(control: Control): boolean {
    if (this.held.has(control)) return false;
    this.held.add(control);
    if (control === "left") this.pendingSteer = -1;
    if (control === "right") this.pendingSteer = 1;
    if (control === "boost") this.pendingBoost = true;
    return true;
  }

  release(control: Control): void {
    this.held.delete(control);
  }

  releaseAll(): void {
    this.held.clear();
  }

  isHeld(control: Control): boolean {
    return this.held.has(control);
  }

  /** The input to send now, or undefined when nothing is held and nothing changed since the last one. */
  next(): RaceInput | undefined {
    const throttle = this.held.has("throttle") && !this.held.has("brake") ? 1 : 0;
    const steer = this.pendingSteer !== 0 ? this.pendingSteer : this.held.has("left") ? -1 : this.held.has("right") ? 1 : 0;
    const boost = this.pendingBoost || this.held.has("boost");
    if (this.held.size === 0 && steer === 0 && !boost && throttle === this.lastThrottle) return undefined;
    this.pendingSteer = 0;
    this.pendingBoost = false;
    this.lastThrottle = throttle;
    this.seq = (this.seq + 1) >>> 0;
    return { throttle, steer, boost, seq: this.seq };
  }
}
