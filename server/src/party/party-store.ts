/**
 * Parties as every node sees them, in Colyseus' presence (Redis with REDIS_URL, this process's
 * memory otherwise). The party's room is the only writer of its record; what must hold across
 * nodes — a code used once, a player in one party — is claimed with an atomic counter (the first
 * `incr` gets 1). Every key expires unless the party's room refreshes it, so a node that dies
 * leaves nothing behind for long.
 */
import { randomInt } from "node:crypto";
import type { Presence } from "@colyseus/core";
import { PARTY_CODE_ALPHABET } from "@arena/shared";

/** A party as stored: what the party room shows its members, plus its room id. */
export interface PartyRecord {
  code: string;
  mode: string;
  roomId: string;
  leader: string;
  maxSize: number;
  members: Array<{ playerId: string; name: string }>;
  queueing: { options: Record<string, unknown> } | null;
}

/** What a queue room tells a party's room, through the party's channel. */
export type PartyNotice = { type: "queue"; mode: string; options: Record<string, unknown> } | { type: "queue-ended" };

/** Seconds a key lives without a refresh; the party room refreshes at a third of it. */
export const PARTY_TTL_S = 90;

const recordKey = (code: string) => `arena:party:${code}`;
const codeKey = (code: string) => `arena:party-code:${code}`;
const claimKey = (playerId: string) => `arena:party-claim:${playerId}`;
const memberKey = (playerId: string) => `arena:party-of:${playerId}`;

export function newPartyCode(): string {
  let code = "";
  for (let i = 0; i < 6; i++) code += PARTY_CODE_ALPHABET[randomInt(PARTY_CODE_ALPHABET.length)];
  return code;
}

export class PartyStore {
  constructor(private readonly presence: Presence) {}

  /** A fresh code nobody holds, held for this party until it is dropped or expires. */
  async reserveCode(): Promise<string> {
    for (;;) {
      const code = newPartyCode();
      const holders = Number(await this.presence.incr(codeKey(code)));
      await this.presence.expire(codeKey(code), PARTY_TTL_S);
      if (holders === 1) return code;
    }
  }

  async read(code: string): Promise<PartyRecord | null> {
    const raw = (await this.presence.get(recordKey(code))) as string | null | undefined;
    return raw ? (JSON.parse(raw) as PartyRecord) : null;
  }

  async save(record: PartyRecord): Promise<void> {
    await this.presence.setex(recordKey(record.code), JSON.stringify(record), PARTY_TTL_S);
  }

  /** The code of the party a player is in, if any. */
  async partyOf(playerId: string): Promise<string | null> {
    const code = (await this.presence.get(memberKey(playerId))) as string | null | undefined;
    return code || null;
  }

  /** Puts a player into party `code`: false when they are in another party (one party per player). */
  async claim(playerId: string, code: string): Promise<boolean> {
    const claims = Number(await this.presence.incr(claimKey(playerId)));
    if (claims === 1) {
      await this.presence.expire(claimKey(playerId), PARTY_TTL_S);
      await this.presence.setex(memberKey(playerId), code, PARTY_TTL_S);
      return true;
    }
    await this.presence.decr(claimKey(playerId));
    // a member coming back to their own party (another session) holds the claim already
    return (await this.partyOf(playerId)) === code;
  }

  /** Takes a player out of party `code` (and only of that one). */
  async release(playerId: string, code: string): Promise<void> {
    if ((await this.partyOf(playerId)) !== code) return;
    this.presence.del(memberKey(playerId));
    this.presence.del(claimKey(playerId));
  }

  /** Keeps a live party's keys from expiring. */
  async refresh(record: PartyRecord): Promise<void> {
    const keys = [recordKey(record.code), codeKey(record.code), ...record.members.flatMap((m) => [claimKey(m.playerId), memberKey(m.playerId)])];
    await Promise.all(keys.map((key) => this.presence.expire(key, PARTY_TTL_S)));
  }

  /** The party is over: its record and code go. */
  drop(code: string): void {
    this.presence.del(recordKey(code));
    this.presence.del(codeKey(code));
  }

  subscribeTo(code: string, listener: (notice: PartyNotice) => void): Promise<unknown> {
    return this.presence.subscribe(partyChannel(code), listener);
  }

  unsubscribeFrom(code: string, listener: (notice: PartyNotice) => void): void {
    this.presence.unsubscribe(partyChannel(code), listener);
  }

  notify(code: string, notice: PartyNotice): void {
    this.presence.publish(partyChannel(code), notice);
  }
}

/** The channel queue rooms (on any node) tell a party's room about its queue on. */
export function partyChannel(code: string): string {
  return `arena:party-events:${code}`;
}
