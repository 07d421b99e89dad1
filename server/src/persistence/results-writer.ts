import { mkdir, open, readFile, rename, type FileHandle } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "../observability/logger.js";
import type { ResultsSink } from "../rooms/services.js";
import { MatchResult, type CheckedMatchResult } from "./match-result.js";
import type { WriteOutcome } from "./results-store.js";

/** One line of the journal: a result to write, or the note that it was written. */
type JournalEntry = { op: "put"; result: CheckedMatchResult } | { op: "done"; matchId: string };

export interface ResultsWriterOptions {
  /** Writes one result to the database, idempotently by match id. */
  write: (result: CheckedMatchResult) => Promise<WriteOutcome>;
  journalPath: string;
  logger: Logger;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Results written to the database at the same time. */
  concurrency?: number;
  /** Hooks for metrics. */
  onWritten?: (outcome: WriteOutcome, seconds: number) => void;
  onFailure?: (error: unknown) => void;
  onRetry?: (attempt: number) => void;
}

/**
 * The durable outbox between rooms and the database. `submit` returns once the result is
 * fsync'd to a local journal; a background loop writes it to the database, retrying with
 * backoff while the database is unreachable. On start-up the journal is read back, so a
 * result survives a crash or a restart. Writes are idempotent by match id, so a retry after
 * a commit whose reply was lost never doubles a match.
 */
export class ResultsWriter implements ResultsSink {
  private readonly pending = new Map<string, CheckedMatchResult>();
  private readonly inFlight = new Set<string>();
  private journal: FileHandle | undefined;
  private journalQueue: string[] = [];
  private journalFlush: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  private readonly options: Required<Omit<ResultsWriterOptions, "onWritten" | "onFailure" | "onRetry">> &
    Pick<ResultsWriterOptions, "onWritten" | "onFailure" | "onRetry">;

  constructor(options: ResultsWriterOptions) {
    this.options = { retryBaseMs: 200, retryMaxMs: 10_000, concurrency: 8, ...options };
  }

  /** Results accepted but not yet confirmed by the database. */
  get depth(): number {
    return this.pending.size;
  }

  /** Consecutive failed attempts of the current backoff. */
  get retries(): number {
    return this.attempt;
  }

  /** Opens the journal, queues whatever it still holds, and starts writing. */
  async start(): Promise<number> {
    await mkdir(path.dirname(this.options.journalPath), { recursive: true });
    const leftover = await this.readJournal();
    // rewrite the journal with only what is still pending, so it does not grow across restarts
    const tmp = `${this.options.journalPath}.tmp`;
    const handle = await open(tmp, "w");
    try {
      const lines = leftover.map((result) => JSON.stringify({ op: "put", result } satisfies JournalEntry) + "\n").join("");
      await handle.writeFile(lines);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, this.options.journalPath);
    this.journal = await open(this.options.journalPath, "a");
    for (const result of leftover) this.pending.set(result.matchId, result);
    if (leftover.length > 0) this.options.logger.info({ count: leftover.length }, "draining results left in the journal");
    this.pump();
    return leftover.length;
  }

  async submit(result: MatchResult): Promise<void> {
    if (this.closed || !this.journal) throw new Error("results writer is not running");
    const checked = MatchResult.parse(result);
    // pending first: a compaction that runs before this line is flushed must see it as unwritten
    this.pending.set(checked.matchId, checked);
    await this.appendJournal({ op: "put", result: checked });
    this.pump();
  }

  /** Resolves when nothing is pending, or after `timeoutMs`; returns how many results are still pending. */
  async flush(timeoutMs: number): Promise<number> {
    if (this.pending.size === 0) return 0;
    this.retryNow();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.pending.size;
  }

  /** Stops retrying and closes the journal. Pending results stay in it for the next start. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.journalFlush;
    await this.journal?.close();
    this.journal = undefined;
  }

  private retryNow() {
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
    this.pump();
  }

  private pump() {
    if (this.closed || this.retryTimer) return;
    for (const result of this.pending.values()) {
      if (this.inFlight.size >= this.options.concurrency) break;
      if (this.inFlight.has(result.matchId)) continue;
      this.inFlight.add(result.matchId);
      void this.writeOne(result);
    }
    if (this.pending.size === 0) this.notifyIdle();
  }

  private async writeOne(result: CheckedMatchResult) {
    const started = performance.now();
    try {
      const outcome = await this.options.write(result);
      this.options.onWritten?.(outcome, (performance.now() - started) / 1000);
      this.attempt = 0;
      this.pending.delete(result.matchId);
      this.options.logger.info({ matchId: result.matchId, mode: result.mode, outcome }, "match result stored");
      // a lost "done" line only means one idempotent re-write after a restart
      if (!this.closed) await this.appendJournal({ op: "done", matchId: result.matchId }).catch(() => {});
      if (this.pending.size === 0) await this.compactIfIdle();
    } catch (error) {
      this.options.onFailure?.(error);
      this.scheduleRetry(error, result.matchId);
    } finally {
      this.inFlight.delete(result.matchId);
      this.pump();
    }
  }

  private scheduleRetry(error: unknown, matchId: string) {
    if (this.closed || this.retryTimer) return;
    this.attempt++;
    this.options.onRetry?.(this.attempt);
    const ceiling = Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** Math.min(this.attempt - 1, 16));
    const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    this.options.logger.warn(
      { err: error, matchId, attempt: this.attempt, retryInMs: delay, pending: this.pending.size },
      "match result write failed; will retry",
    );
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.pump();
    }, delay);
    this.retryTimer.unref();
  }

  private notifyIdle() {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Runs journal operations one after another, so a compaction never interleaves with an append. */
  private serially(operation: () => Promise<void>): Promise<void> {
    const next = (this.journalFlush ?? Promise.resolve()).then(operation);
    this.journalFlush = next.catch(() => {});
    return next;
  }

  /** Group commit: lines queued while a write+fsync runs go out together in the next one. */
  private appendJournal(entry: JournalEntry): Promise<void> {
    this.journalQueue.push(JSON.stringify(entry) + "\n");
    return this.serially(async () => {
      if (this.journalQueue.length === 0) return;
      const lines = this.journalQueue.join("");
      this.journalQueue = [];
      if (!this.journal) throw new Error("journal closed");
      await this.journal.write(lines);
      await this.journal.datasync();
    });
  }

  /** When everything is written, start the journal afresh (checked inside the serial chain). */
  private compactIfIdle(): Promise<void> {
    return this.serially(async () => {
      if (this.pending.size > 0 || this.journalQueue.length > 0 || !this.journal) return;
      await this.journal.truncate(0);
      await this.journal.datasync();
    });
  }

  private async readJournal(): Promise<CheckedMatchResult[]> {
    let text: string;
    try {
      text = await readFile(this.options.journalPath, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
    const open = new Map<string, CheckedMatchResult>();
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      let entry: JournalEntry;
      try {
        entry = JSON.parse(line) as JournalEntry;
      } catch {
        // a torn last line from a crash mid-write: the result it held was never acknowledged
        this.options.logger.warn("skipping a torn journal line");
        continue;
      }
      if (entry.op === "put") {
        const parsed = MatchResult.safeParse(entry.result);
        if (parsed.success) open.set(parsed.data.matchId, parsed.data);
        else this.options.logger.error({ issues: parsed.error.issues.slice(0, 3) }, "skipping an invalid journal entry");
      } else if (entry.op === "done") {
        open.delete(entry.matchId);
      }
    }
    return [...open.values()];
  }
}
