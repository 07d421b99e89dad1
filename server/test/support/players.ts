import { connect, type ArenaClient } from "@arena/client-sdk";

/** An SDK client holding a fresh guest token, as a real player would have after `POST /auth/guest`. */
export async function player(url: string, name: string): Promise<ArenaClient> {
  const client = connect(url);
  await client.guest(name);
  return client;
}
