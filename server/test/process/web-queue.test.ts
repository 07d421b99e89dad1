/**
 * Ranked and parties in the browser client: a real Chromium makes a party, shows its code, sees an
 * SDK player join with it, queues with the Ranked button, and both land in one war, one faction.
 */
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { RoomOf } from "@arena/client-sdk";
import { openBrowser, type BrowserSession } from "../support/browser.js";
import { player } from "../support/players.js";
import { REPO_ROOT, startServer, type ServerProcess } from "../support/server-process.js";

const SCREENSHOTS = path.join(REPO_ROOT, "test-artifacts", "web-queue");

describe("browser client: Ranked and the party box", () => {
  let server: ServerProcess;
  let browser: BrowserSession;
  const open: Array<{ leave(): Promise<unknown> }> = [];

  before(async () => {
    browser = await openBrowser();
    server = await startServer({ env: { QUEUE_FILL_AFTER_S: "2", QUEUE_CYCLE_MS: "200", WAR_LOBBY_TIMEOUT_MS: "30000", DRAIN_GRACE_S: "1" } });
    await mkdir(SCREENSHOTS, { recursive: true });
  });
  after(async () => {
    await Promise.all(open.map((r) => r.leave().catch(() => undefined)));
    await browser?.close();
    await server?.stop();
  });

  it("makes a party, shows its code and members, queues with Ranked and plays in one faction with the member", async () => {
    const { page } = browser;
    await page.goto(`${server.url}/play/`);
    await page.getByTestId("name-input").fill("web-leader");
    await page.getByTestId("mode-war").click();
    for (const [testid, value] of Object.entries({ "opt-war-factions": "2", "opt-war-maxPlayers": "4", "opt-war-timeLimit": "60" })) {
      const field = page.getByTestId(testid);
      if ((await field.evaluate((el) => el.tagName)) === "SELECT") await field.selectOption(value);
      else await field.fill(value);
    }
    await page.getByTestId("party-create").click();
    const code = ((await page.getByTestId("party-code").textContent()) ?? "").trim();
    assert.match(code, /^[A-Z2-9]{6}$/);

    const mate = await player(server.url, "sdk-mate");
    const party = await mate.joinParty(code);
    open.push(party);
    await page.getByTestId("party-member").nth(1).waitFor();
    assert.equal(await page.getByTestId("party-member").count(), 2);
    assert.match((await page.getByTestId("party-member").nth(0).textContent()) ?? "", /web-leader ★/);
    await page.getByTestId("party-kick").waitFor();

    const followed = new Promise<RoomOf<"war">>((resolve, reject) => party.on("queue", (ticket) => (ticket as PromiseLike<RoomOf<"war">>).then(resolve, reject)));
    followed.catch(() => undefined);
    await page.getByTestId("ranked-button").click();
    // the member's page (here: its SDK) follows the leader into the queue; a party of newcomers
    // queues at their mean (0) plus QUEUE_PARTY_MARGIN for its second member
    await page.getByTestId("queue-status").filter({ hasText: /party 2\/2 in/ }).waitFor();
    assert.match((await page.getByTestId("queue-status").textContent()) ?? "", /^2 waiting · \d+ s · rating 1\.0 ± [\d.]+ · party 2\/2 in$/);
    await page.screenshot({ path: path.join(SCREENSHOTS, "queueing.png"), fullPage: true });

    const room = await followed;
    open.push(room);
    await page.getByTestId("war-view").waitFor({ timeout: 15_000 });
    assert.match((await page.getByTestId("room-id").textContent()) ?? "", new RegExp(room.roomId));
    const state = await room.waitFor((s) => s.phase === "playing" && [...s.players.values()].some((p) => p.name === "web-leader"));
    const leader = [...state.players.values()].find((p) => p.name === "web-leader")!;
    assert.equal(state.players.get(room.sessionId)?.faction, leader.faction, "the party plays in one faction");
    assert.equal(state.players.size, 4, "bots took the other faction's seats");
    assert.deepEqual(browser.pageErrors, []);
  });
});
