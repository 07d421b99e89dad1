/**
 * Plays a stored match in the page with the server's own pure rules: a timeline of the match
 * (snapshots every SNAPSHOT_EVERY_MS, so a seek re-runs at most that much), a playhead that moves at
 * 0.5–8× the match's speed, and the mode's live view drawn from a replay source. A seek mounts a
 * fresh view on a fresh schema state and tells it the last message of each kind said before that
 * point; while playing, the view gets the mode's messages as the match said them. Nothing is shown
 * until the first `seek`.
 */
import { FINISHED_MESSAGE, MODES, type MatchReplayResponse, type MessagesOf, type ModeName, type Modes } from "@arena/client-sdk";
import type { Announcer } from "@arena/shared/kit/announce";
import type { ProjectionContext } from "@arena/shared/kit/projection";
import { decodeLog, type MatchOutcome } from "@arena/shared/kit/rules";
import { MatchTimeline, type TimelineCursor } from "@arena/shared/kit/timeline";
import type { ReplayKit } from "../modes/web-mode.js";
import type { ModeView } from "../view.js";
import { ReplaySource } from "./replay-source.js";

/** Match time between two snapshots; measured in BENCHMARKS.md ("Replay seeking"). */
export const SNAPSHOT_EVERY_MS = 5_000;

export const SPEEDS = [0.5, 1, 2, 4, 8] as const;

/** The last message of each kind said so far, in the order said: what a view mounted after a seek is told. */
interface Said {
  messages: Array<[type: string, payload: unknown]>;
}

/** A key of the replay's viewer that is nobody's player id (a spectator's view). */
const NOBODY = "replay-viewer";

export class ReplayPlayer<M extends ModeName> {
  readonly durationMs: number;
  /** The outcome the rules give at the end: the page compares it with the stored standings. */
  readonly outcome: MatchOutcome;
  /** How long the last seek took in the page (re-run and a fresh view), for the curious and the tests. */
  lastSeekMs = 0;
  playing = false;
  speed = 1;
  private readonly timeline: MatchTimeline<unknown, unknown, MessagesOf<Modes[M]>, unknown, Said>;
  private cursor: TimelineCursor<unknown, Said>;
  private source!: ReplaySource<M>;
  private view: ModeView | undefined;
  private positionMs = 0;
  /** Messages reach the view only while it plays forward, not while the timeline is built or a seek re-runs. */
  private live = false;
  private readonly queued: Array<[string, unknown]> = [];
  private finishedSent = false;
  private frame = 0;
  private lastFrameAt = 0;

  /**
   * @param viewer the player id the view shows as "you" (a replay from one's own history), if any
   * @param mount puts a view of the source into the page, replacing the previous one
   * @param moved called after every move of the playhead (seek, frame, end)
   */
  constructor(
    private readonly kit: ReplayKit<M>,
    private readonly replay: MatchReplayResponse,
    private readonly viewer: string | undefined,
    private readonly mount: (source: ReplaySource<M>) => ModeView,
    private readonly moved: () => void,
  ) {
    const { rules, announcements } = kit;
    const setup = { seed: replay.seed, settings: replay.settings, players: replay.replay.players };
    this.timeline = new MatchTimeline(rules, setup, decodeLog(rules, replay.replay.inputs), {
      snapshotEveryMs: SNAPSHOT_EVERY_MS,
      observer: {
        start: (state) => {
          const said: Said = { messages: [] };
          announcements.started?.(state, this.announcer(said));
          return said;
        },
        step: (said, events, state) => announcements.announce?.(events, state, this.announcer(said)),
      },
    });
    this.durationMs = this.timeline.toMs(this.timeline.end);
    this.outcome = rules.outcome(this.timeline.seek(this.timeline.end).state);
    this.cursor = this.timeline.seek(0);
  }

  get timeMs(): number {
    return this.positionMs;
  }

  get over(): boolean {
    return this.cursor.over;
  }

  /** Moves the playhead to `ms` since the start, forward or back. */
  seek(ms: number): void {
    const started = performance.now();
    this.positionMs = Math.max(0, Math.min(ms, this.durationMs));
    this.cursor = this.timeline.seek(this.timeline.fromMs(this.positionMs));
    this.remount();
    this.lastSeekMs = performance.now() - started;
    this.moved();
  }

  play(): void {
    if (this.playing) return;
    if (this.positionMs >= this.durationMs) this.seek(0);
    this.playing = true;
    this.lastFrameAt = performance.now();
    this.frame = requestAnimationFrame(this.step);
  }

  pause(): void {
    this.playing = false;
    cancelAnimationFrame(this.frame);
    this.moved();
  }

  dispose(): void {
    this.pause();
    this.view?.dispose();
  }

  private readonly step = (now: number): void => {
    if (!this.playing) return;
    this.positionMs = Math.min(this.durationMs, this.positionMs + (now - this.lastFrameAt) * this.speed);
    this.lastFrameAt = now;
    this.live = true;
    try {
      this.cursor.forward(this.timeline.fromMs(this.positionMs));
    } finally {
      this.live = false;
    }
    this.show();
    // like a room's patch, the state goes first: a message may describe it
    for (const [type, payload] of this.queued.splice(0)) this.source.emit(type, payload);
    this.sayFinished();
    if (this.positionMs >= this.durationMs) this.pause();
    else this.frame = requestAnimationFrame(this.step);
    this.moved();
  };

  /** A fresh view on a fresh state, told what was said before this point. */
  private remount(): void {
    this.view?.dispose();
    const { projection } = this.kit;
    const state = projection.create(this.replay.seed, this.replay.settings, this.replay.matchId);
    this.source = new ReplaySource(this.replay.mode as M, state, this.viewer ?? NOBODY, MODES[this.replay.mode as M].playersField);
    projection.project(state, this.cursor.state, this.context());
    this.view = this.mount(this.source);
    for (const [type, payload] of this.cursor.digest.messages) this.source.emit(type, payload);
    this.finishedSent = false;
    this.sayFinished();
    this.source.changed();
  }

  private show(): void {
    this.kit.projection.project(this.source.state, this.cursor.state, this.context());
    this.source.changed();
  }

  private sayFinished(): void {
    if (this.finishedSent || !this.cursor.over) return;
    this.finishedSent = true;
    const state = this.cursor.state;
    this.source.emit(FINISHED_MESSAGE, this.kit.announcements.finished(this.kit.rules.outcome(state), { matchId: this.replay.matchId, state, sessionOf: (playerId) => playerId }));
  }

  /** Players show under their player ids (the viewer's own is its "you"); everyone shows as connected. */
  private context(): ProjectionContext {
    return { keyOf: (playerId) => playerId, connected: () => true, now: this.cursor.time };
  }

  /** Records what the mode says into `said`; while playing, the view hears it too. Messages for one seat reach nobody, as for spectators. */
  private announcer(said: Said): Announcer<Modes[M]> {
    return {
      broadcast: (type, payload) => {
        const earlier = said.messages.findIndex(([kind]) => kind === type);
        if (earlier >= 0) said.messages.splice(earlier, 1);
        said.messages.push([type, payload]);
        if (this.live) this.queued.push([type, payload]);
      },
      toSeat: () => {},
      sessionOf: (playerId) => playerId,
    };
  }
}
