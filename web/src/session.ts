/** The player's guest identity: one token per browser, kept in localStorage so a returning guest keeps the player id. */
import { ArenaError, ErrorCode, connect, type ArenaClient, type GuestAuthResponse } from "@arena/client-sdk";

const TOKEN_KEY = "arena.token";
const NAME_KEY = "arena.name";
const PLAYER_KEY = "arena.playerId";

export interface Session {
  client: ArenaClient;
  auth: GuestAuthResponse;
}

function read(key: string): string | undefined {
  try {
    return localStorage.getItem(key) ?? undefined;
  } catch {
    return undefined; // storage disabled: a new guest every time
  }
}

function write(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // storage disabled or full: the session still works, it just is not remembered
  }
}

export function rememberedName(): string {
  return read(NAME_KEY) ?? "";
}

/** The player id of this browser's guest, once it has signed in (for "your matches"). */
export function rememberedPlayerId(): string | undefined {
  return read(PLAYER_KEY);
}

/**
 * Signs in as a guest on the server this page came from. The stored token (if any) goes along, so
 * the server keeps the player id; a token it refuses (expired, or signed by another key) is dropped
 * and a new guest is made.
 */
export async function signIn(name: string): Promise<Session> {
  const origin = window.location.origin;
  const stored = read(TOKEN_KEY);
  let client = connect(origin, stored ? { token: stored } : {});
  let auth: GuestAuthResponse;
  try {
    auth = await client.guest(name);
  } catch (error) {
    if (!stored || ArenaError.from(error).code !== ErrorCode.Unauthorized) throw error;
    client = connect(origin);
    auth = await client.guest(name);
  }
  write(TOKEN_KEY, auth.token);
  write(NAME_KEY, auth.name);
  write(PLAYER_KEY, auth.playerId);
  return { client, auth };
}
