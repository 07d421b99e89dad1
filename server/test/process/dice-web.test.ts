/**
 * Liar's dice in the browser client: a real Chromium joins from the lobby, sees its dice, bids and
 * calls liar with the page's controls against an SDK player and a bot, to the standings.
 */
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { RoomOf } from "@arena/client-sdk";
import type { DiceFinishedPayload, DiceRevealPayload } from "@arena/shared/modes/dice/contract";
import type { Page } from "playwright-core";
import { eventually, openBrowser, playFromLobby, wait, type BrowserSession } from "../support/browser.js";
import { autoplay } from "../support/dice-play.js";
import { player } from "../support/players.js";
import { REPO_ROOT, startServer, type ServerProcess } from "../support/server-process.js";

const SCREENSHOTS = path.join(REPO_ROOT, "test-artifacts", "web-client");

/** The round, the phase and the page's own dice, read at one instant (one render shows them together). */
async function snapshot(page: Page): Promise<{ round: number; phase: string; dice: number[] }> {
  return page.evaluate(() => ({
    round: Number(document.querySelector('[data-testid="dice-round"]')?.textContent),
    phase: document.querySelector('[data-testid="dice-phase"]')?.textContent ?? "",
    dice: [...document.querySelectorAll('[data-testid="dice-my-die"]')].map((el) => Number(el.getAttribute("data-face"))),
  }));
}

describe("liar's dice at /play, in a real Chromium against a real server", () => {
  let server: ServerProcess;
  let browser: BrowserSession;
  let sdk: RoomOf<"dice"> | undefined;

  before(async () => {
    browser = await openBrowser();
    server = await startServer({ env: { DICE_LOBBY_TIMEOUT_MS: "500", DICE_TURN_MS: "20000", DICE_REVEAL_MS: "600", DICE_BOT_THINK_MS: "100" } });
    await mkdir(SCREENSHOTS, { recursive: true });
  });
  after(async () => {
    await sdk?.leave().catch(() => undefined);
    await browser?.close();
    await server?.stop();
  });

  it("joins from the lobby, shows the player's dice, and plays with the bid and liar buttons to the standings", async () => {
    const { page } = browser;
    await page.goto(`${server.url}/play`);
    await playFromLobby(page, "dice", "web-dicer", { "opt-dice-maxPlayers": "3", "opt-dice-dice": "2" });
    sdk = await (await player(server.url, "sdk-dicer")).join("dice", { maxPlayers: 3, dice: 2 });
    assert.match((await page.getByTestId("room-id").textContent()) ?? "", new RegExp(sdk.roomId), "page and SDK client share one room");
    autoplay(sdk);
    const reveals: DiceRevealPayload[] = [];
    sdk.on("reveal", (r) => reveals.push(r));
    const finished: Promise<DiceFinishedPayload> = sdk.next("finished", 120_000);
    finished.catch(() => undefined); // awaited below

    await page.getByTestId("dice-phase").filter({ hasText: "bidding" }).waitFor();
    const webSeat = await eventually("the page's seat", () => [...sdk!.state.players.values()].find((p) => p.name === "web-dicer")?.seat);
    assert.equal(await page.getByTestId("dice-player").count(), 3, "three seats at the table");
    const seen = new Map<number, number[]>();
    let bids = 0;
    let calls = 0;
    for (const deadline = Date.now() + 100_000; !(await page.getByTestId("dice-result").isVisible()); ) {
      assert.ok(Date.now() < deadline, "the match ended");
      const now = await snapshot(page);
      if (now.dice.length > 0 && now.phase === "bidding") seen.set(now.round, now.dice);
      if ((await page.getByTestId("dice-turn").getAttribute("data-mine")) === "true") {
        if (seen.size === 1 && bids === 0) await page.screenshot({ path: path.join(SCREENSHOTS, "dice.png") });
        const liar = page.getByTestId("dice-liar-button");
        if ((await liar.isEnabled()) && (bids + calls) % 2 === 1) {
          await liar.click();
          calls++;
        } else {
          await page.getByTestId("dice-bid-button").click();
          bids++;
        }
        await eventually("the turn to pass", async () => ((await page.getByTestId("dice-turn").getAttribute("data-mine")) === "true" ? undefined : true), 5_000).catch(() => undefined);
      }
      await wait(100);
    }
    const result = await finished;
    assert.ok(bids > 0, "the page made bids");
    assert.ok(seen.size > 0, "the page showed its dice");
    for (const [round, dice] of seen) {
      const reveal = reveals.find((r) => r.round === round);
      if (reveal) assert.deepEqual(dice, reveal.dice[webSeat], `round ${round}: the page showed the dice the server revealed`);
    }
    const mine = result.standings.find((s) => s.name === "web-dicer")!;
    assert.equal(await page.getByTestId("dice-my-place").getAttribute("data-place"), String(mine.placement));
    assert.equal(await page.getByTestId("dice-standing").count(), result.standings.length);
    for (const standing of result.standings) {
      const row = page.locator(`[data-testid="dice-standing"][data-name="${standing.name}"]`);
      assert.equal(await row.getAttribute("data-place"), String(standing.placement));
      assert.match((await row.textContent()) ?? "", new RegExp(`${standing.score}$`));
    }
    assert.equal(await page.getByTestId("leaderboard-link").getAttribute("href"), "/leaderboards/dice");
    await page.screenshot({ path: path.join(SCREENSHOTS, "dice-result.png"), fullPage: true });
    assert.deepEqual(browser.pageErrors, [], "no errors in the page");
  });
});
