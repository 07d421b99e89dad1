import { spawnSync } from "node:child_process";
import { REPO_ROOT } from "./server-process.js";

/** `npm run replay -- <id>` against a database, from the build (`npm test` builds first). */
export function replayCli(databaseUrl: string, matchId: string) {
  return spawnSync(process.execPath, ["server/dist/replay-cli.js", matchId], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl },
    encoding: "utf8",
    timeout: 30_000,
  });
}
