import { createHash } from "node:crypto";
import { open, readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";

export const QUARANTINE_FILE = "results-quarantine.jsonl";

/** The quarantine file that belongs to a journal: in the same folder. */
export function quarantineBeside(journalPath: string): string {
  return path.join(path.dirname(journalPath), QUARANTINE_FILE);
}

/** A journal line the results writer could not use, and why. */
export interface Rejected {
  raw: string;
  reason: string;
  matchId?: string;
}

const Quarantined = z.object({
  op: z.literal("quarantined"),
  /** Content hash of `raw`: the same line quarantined twice (a crash before the journal was rewritten) is one entry. */
  id: z.string(),
  at: z.string(),
  reason: z.string(),
  matchId: z.string().optional(),
  /** The journal line exactly as it was; an operator may correct it here before a retry. */
  raw: z.string(),
});
export type QuarantineEntry = z.infer<typeof Quarantined>;

const Resolved = z.object({ op: z.literal("resolved"), id: z.string(), at: z.string(), outcome: z.string() });

const Line = z.discriminatedUnion("op", [Quarantined, Resolved]);

function entryId(raw: string): string {
  return createHash("sha256").update(raw).digest("hex").slice(0, 16);
}

/**
 * Journal entries that cannot be read or fail the result contract, kept beside the journal instead
 * of being dropped. Append-only, like the journal: the server adds entries when it reads its journal
 * at start-up, `npm run results -- retry` adds a `resolved` line once it has written one to the
 * database. No line is ever rewritten, so the two never race over the file.
 */
export class Quarantine {
  constructor(readonly file: string) {}

  /** Open entries (quarantined, not resolved), oldest first, and lines of the file it cannot read. */
  async read(): Promise<{ entries: QuarantineEntry[]; unreadable: number }> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return { entries: [], unreadable: 0 };
      throw error;
    }
    const open = new Map<string, QuarantineEntry>();
    let unreadable = 0;
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      let parsed: z.infer<typeof Line>;
      try {
        parsed = Line.parse(JSON.parse(line));
      } catch {
        unreadable++;
        continue;
      }
      if (parsed.op === "quarantined") open.set(parsed.id, parsed);
      else open.delete(parsed.id);
    }
    return { entries: [...open.values()], unreadable };
  }

  async depth(): Promise<number> {
    return (await this.read()).entries.length;
  }

  /** Adds the rejected lines not quarantined yet (fsync'd before it returns); returns the new entries. */
  async add(rejected: readonly Rejected[], now = new Date()): Promise<QuarantineEntry[]> {
    if (rejected.length === 0) return [];
    const known = new Set((await this.read()).entries.map((e) => e.id));
    const fresh: QuarantineEntry[] = [];
    for (const { raw, reason, matchId } of rejected) {
      const id = entryId(raw);
      if (known.has(id)) continue;
      known.add(id);
      fresh.push({ op: "quarantined", id, at: now.toISOString(), reason, ...(matchId ? { matchId } : {}), raw });
    }
    await this.append(fresh);
    return fresh;
  }

  /** Records that an entry reached the database (it leaves the list). */
  async resolve(id: string, outcome: string, now = new Date()): Promise<void> {
    await this.append([{ op: "resolved", id, at: now.toISOString(), outcome }]);
  }

  private async append(lines: ReadonlyArray<z.infer<typeof Line>>): Promise<void> {
    if (lines.length === 0) return;
    const handle = await open(this.file, "a");
    try {
      await handle.write(lines.map((line) => JSON.stringify(line) + "\n").join(""));
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
}
