import { mkdir, open, readFile, rename, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { describeIssues } from "@arena/shared";
import type { Logger } from "../observability/logger.js";
import type { ResultsSink } from "../kit/services.js";
import { MatchResult, type CheckedMatchResult } from "./match-result.js";
import { Quarantine, quarantineBeside, type Rejected } from "./quarantine.js";
import type { WriteOutcome } from "./results-store.js";

export const JOURNAL_FILE = "results-journal.jsonl";

/** One line of the journal: a result to write, or the note that it was written. */
type JournalEntry = { op: "put"; result: CheckedMatchResult } | { op: "done"; matchId: string };

/** What a journal line turned out to be when read back. */
export type JournalLine = JournalEntry | { op: "rejected"; rejected: Rejected };

/** Parses and validates one journal line (the server at start-up, the results CLI on a retry). */
export function readJournalLine(raw: string): JournalLine {
  let entry: unknown;
  try {
    entry = JSON.parse(raw);
  } catch {
    return { op: "rejected", rejected: { raw, reason: "not JSON (a torn or corrupted line)" } };
  }
  const { op, result, matchId } = (typeof entry === "object" && entry !== null ? entry : {}) as Record<string, unknown>;
  if (op === "done" && typeof matchId === "string") return { op: "done", matchId };
  if (op !== "put") return { op: "rejected", rejected: { raw, reason: "not a journal entry (no op put or done)" } };
  const parsed = MatchResult.safeParse(result);
  if (parsed.success) return { op: "put", result: parsed.data };
  const id = (result as { matchId?: unknown } | undefined)?.matchId;
  return {
    op: "rejected",
    rejected: { raw, reason: `fails the result contract: ${describeIssues(parsed.error)}`, ...(typeof id === "string" ? { matchId: id } : {}) },
  };
}

export interface ResultsWriterOptions {
  /** Writes a batch of results to the database in one transaction, idempotently by match id. */
  write: (results: CheckedMatchResult[]) => Promise<Map<string, WriteOutcome>>;
  journalPath: string;
  /** Where unreadable or invalid journal entries go (default: results-quarantine.jsonl beside the journal). */
  quarantinePath?: string;
  logger: Logger;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Batches written to the database at the same time. */
  concurrency?: number;
  /** Most results in one transaction. */
  batchSize?: number;
  /** Hooks for metrics. */
  onWritten?: (outcome: WriteOutcome, seconds: number) => void;
  onFailure?: (error: unknown) => void;
  onRetry?: (attempt: number) => void;
  onQuarantined?: (count: number) => void;
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
  /** Failed results wait out their own backoff; the others go on. */
  private readonly backoff = new Map<string, { attempts: number; dueAt: number }>();
  private batchesInFlight = 0;
  /** After a failed batch, write one result at a time until one succeeds (isolates a result the database refuses). */
  private isolating = false;
  private journal: FileHandle | undefined;
  private journalQueue: string[] = [];
  private journalFlush: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private attempt = 0;
  private closed = false;
  private idleWaiters: Array<() => void> = [];
  private readonly quarantine: Quarantine;
  private readonly options: Required<Omit<ResultsWriterOptions, "onWritten" | "onFailure" | "onRetry" | "onQuarantined" | "quarantinePath">> &
    Pick<ResultsWriterOptions, "onWritten" | "onFailure" | "onRetry" | "onQuarantined">;

  constructor(options: ResultsWriterOptions) {
    this.options = { retryBaseMs: 200, retryMaxMs: 10_000, concurrency: 4, batchSize: 100, ...options };
    this.quarantine = new Quarantine(options.quarantinePath ?? quarantineBeside(options.journalPath));
  }

  /** Results accepted but not yet confirmed by the database. */
  get depth(): number {
    return this.pending.size;
  }

  /** Entries waiting in the quarantine file (read from the file: the CLI resolves them from outside). */
  quarantineDepth(): Promise<number> {
    return this.quarantine.depth();
  }

  /** Consecutive failed attempts of the current backoff. */
  get retries(): number {
    return this.attempt;
  }

  /**
   * Opens the journal, queues whatever it still holds, and starts writing. Entries it cannot use
   * are quarantined (and fsync'd there) before the journal is rewritten without them.
   */
  async start(): Promise<number> {
    await mkdir(path.dirname(this.options.journalPath), { recursive: true });
    const { leftover, rejected } = await this.readJournal();
    const quarantined = await this.quarantine.add(rejected);
    for (const entry of quarantined) {
      this.options.logger.error(
        { quarantineId: entry.id, matchId: entry.matchId, reason: entry.reason, quarantine: this.quarantine.file },
        "journal entry quarantined, not written: fix it, then npm run results -- retry",
      );
    }
    if (quarantined.length > 0) this.options.onQuarantined?.(quarantined.length);
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

  /** Makes every backing-off result due now (a flush should not wait out a long backoff). */
  private retryNow() {
    if (this.retryTimer) {
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
    for (const wait of this.backoff.values()) wait.dueAt = 0;
    this.pump();
  }

  private pump() {
    if (this.closed) return;
    const now = Date.now();
    let earliestDue = Number.POSITIVE_INFINITY;
    const size = this.isolating ? 1 : this.options.batchSize;
    while (this.batchesInFlight < this.options.concurrency) {
      const batch: CheckedMatchResult[] = [];
      for (const result of this.pending.values()) {
        if (this.inFlight.has(result.matchId)) continue;
        const wait = this.backoff.get(result.matchId);
        if (wait && wait.dueAt > now) {
          earliestDue = Math.min(earliestDue, wait.dueAt);
          continue;
        }
        batch.push(result);
        if (batch.length >= size) break;
      }
      if (batch.length === 0) break;
      for (const result of batch) this.inFlight.add(result.matchId);
      this.batchesInFlight++;
      void this.writeBatch(batch);
    }
    // everything left is backing off: wake up when the first one is due
    if (this.batchesInFlight === 0 && earliestDue < Number.POSITIVE_INFINITY && !this.retryTimer) {
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.pump();
      }, earliestDue - now);
      this.retryTimer.unref();
    }
    if (this.pending.size === 0) this.notifyIdle();
  }

  private async writeBatch(batch: CheckedMatchResult[]) {
    const started = performance.now();
    try {
      const outcomes = await this.options.write(batch);
      const seconds = (performance.now() - started) / 1000;
      this.isolating = false;
      for (const result of batch) {
        const outcome = outcomes.get(result.matchId) ?? "duplicate";
        this.options.onWritten?.(outcome, seconds);
        this.pending.delete(result.matchId);
        this.backoff.delete(result.matchId);
        this.options.logger.info({ matchId: result.matchId, mode: result.mode, outcome }, "match result stored");
      }
      this.attempt = 0;
      // a lost "done" line only means one idempotent re-write after a restart
      if (!this.closed) {
        await Promise.all(batch.map((r) => this.appendJournal({ op: "done", matchId: r.matchId }))).catch(() => {});
      }
      if (this.pending.size === 0) await this.compactIfIdle();
    } catch (error) {
      this.options.onFailure?.(error);
      this.scheduleRetry(error, batch);
    } finally {
      for (const result of batch) this.inFlight.delete(result.matchId);
      this.batchesInFlight--;
      this.pump();
    }
  }

  private scheduleRetry(error: unknown, batch: readonly CheckedMatchResult[]) {
    if (batch.length > 1) this.isolating = true;
    this.attempt++;
    this.options.onRetry?.(this.attempt);
    let delay = 0;
    for (const result of batch) {
      const attempts = (this.backoff.get(result.matchId)?.attempts ?? 0) + 1;
      const ceiling = Math.min(this.options.retryMaxMs, this.options.retryBaseMs * 2 ** Math.min(attempts - 1, 16));
      delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
      this.backoff.set(result.matchId, { attempts, dueAt: Date.now() + delay });
    }
    this.options.logger.warn(
      { err: error, matchIds: batch.slice(0, 5).map((r) => r.matchId), batch: batch.length, attempt: this.attempt, retryInMs: delay, pending: this.pending.size },
      "match result write failed; will retry",
    );
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

  /**
   * The results still to write, and the lines that cannot be used. A put that fails the contract is
   * only rejected if no later line says it was written (an entry older than a contract change).
   */
  private async readJournal(): Promise<{ leftover: CheckedMatchResult[]; rejected: Rejected[] }> {
    let text: string;
    try {
      text = await readFile(this.options.journalPath, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { leftover: [], rejected: [] };
      throw error;
    }
    const open = new Map<string, CheckedMatchResult>();
    const invalid = new Map<string, Rejected>();
    const rejected: Rejected[] = [];
    for (const raw of text.split("\n")) {
      if (raw.trim() === "") continue;
      const line = readJournalLine(raw);
      if (line.op === "put") {
        open.set(line.result.matchId, line.result);
        invalid.delete(line.result.matchId);
      } else if (line.op === "done") {
        open.delete(line.matchId);
        invalid.delete(line.matchId);
      } else if (line.rejected.matchId !== undefined) {
        invalid.set(line.rejected.matchId, line.rejected);
      } else {
        rejected.push(line.rejected);
      }
    }
    return { leftover: [...open.values()], rejected: [...rejected, ...invalid.values()] };
  }
}
