/**
 * Watching in the browser client, in a real Chromium against a real server: the replay viewer
 * re-runs a stored race, a stored war and a stored 10-minute war with the pure rules, seeks forward
 * and back and ends on the standings GET /matches/:id has; the Watch list opens a live race whose
 * spectator view follows it to the same end the players see.
 */
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { MatchResponse, RaceRoom, RoomSummary } from "@arena/client-sdk";
import { Rng } from "@arena/shared/kit/random";
import type { Page } from "playwright-core";
import type { Database } from "../../src/persistence/database.js";
import { eventually, openBrowser, wait, type BrowserSession } from "../support/browser.js";
import { player } from "../support/players.js";
import { startScratchServer } from "../support/scratch-server.js";
import { storeTenMinuteWar } from "../support/ten-minute-war.js";
import { walkAbout } from "../support/war-play.js";
import { REPO_ROOT, type ServerProcess } from "../support/server-process.js";

const SCREENSHOTS = path.join(REPO_ROOT, "test-artifacts", "watch-web");

describe("watching and replays in the browser client (real Chromium, real server)", () => {
  let running: Awaited<ReturnType<typeof startScratchServer>> | undefined;
  let server: ServerProcess;
  let database: Database;
  let browser: BrowserSession;
  let page: Page;

  before(async () => {
    browser = await openBrowser(); // fails first, with a clear message, if Chromium or the build is missing
    page = browser.page;
    running = await startScratchServer({ WAR_LOBBY_TIMEOUT_MS: "200", RACE_LOBBY_TIMEOUT_MS: "300" });
    ({ server, database } = running);
    await mkdir(SCREENSHOTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await running?.stop();
  });

  const stored = (matchId: string) =>
    eventually(`match ${matchId} stored`, async () => {
      const { status, body } = await server.get<MatchResponse>(`/matches/${matchId}`);
      return status === 200 ? body : undefined;
    });

  /** Opens a match's replay; resolves with the length of its timeline (ms). */
  async function openReplay(matchId: string): Promise<number> {
    await page.goto(`${server.url}/play/#replay=${matchId}`);
    await page.getByTestId("replay-seek").waitFor();
    assert.equal(await page.getByTestId("replay-check").getAttribute("data-same"), "true", "the page's rules give the stored standings");
    return Number(await page.getByTestId("replay-seek").getAttribute("max"));
  }

  /** Drags the timeline to `ms` and waits until the page shows that point; resolves with how long the seek took there. */
  async function seekTo(ms: number): Promise<number> {
    await page.getByTestId("replay-seek").fill(String(Math.round(ms)));
    await page.locator(`[data-testid="replay-time"][data-ms="${Math.round(ms)}"]`).waitFor();
    // the views draw on animation frames
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    return Number(await page.getByTestId("replay-seek").getAttribute("data-last-seek-ms"));
  }

  const texts = (testid: string) => page.getByTestId(testid).allTextContents();
  const byName = (rows: ReadonlyArray<{ displayName: string; placement: number }>) => Object.fromEntries(rows.map((r) => [r.displayName, String(r.placement)]));
  const shown = async (testid: string, key: string) =>
    Object.fromEntries(await page.getByTestId(testid).evaluateAll((els, attr) => els.map((el) => [el.getAttribute(attr), el.getAttribute("data-place")]), key));

  it("replays a stored race: seeks forward and back to the same pictures, plays at 8×, ends on the stored standings", async () => {
    // long enough that at 8× the pause below lands well before the end (a click at the end would play it again from the start)
    const options = { trackLength: 240, maxPlayers: 2, lanes: 3 };
    const racers = [await (await player(server.url, "replay-ada")).joinRace(options), await (await player(server.url, "replay-bob")).joinRace(options)];
    const drive = racers.map((room, i) => {
      let n = 0;
      return setInterval(() => room.send("input", { throttle: i === 0 ? 1 : 0.85, steer: ++n % 15 === 0 ? (i === 0 ? 1 : -1) : 0, boost: n === 12 }), 100);
    });
    const { matchId } = await racers[0]!.next("finished", 60_000);
    drive.forEach(clearInterval);
    await Promise.all(racers.map((r) => r.leave()));
    const match = await stored(matchId);

    const length = await openReplay(matchId);
    await page.getByTestId("race-view").waitFor();
    assert.equal(await page.getByTestId("race-controls").count(), 0, "no controls in a replay");
    await seekTo(length * 0.7);
    const later = { clock: await page.getByTestId("race-clock").textContent(), field: await texts("race-racer") };
    await seekTo(length * 0.2);
    const earlier = await page.getByTestId("race-clock").textContent();
    assert.ok(Number.parseFloat(earlier!) < Number.parseFloat(later.clock!), `${earlier} comes before ${later.clock}`);
    await seekTo(length * 0.7);
    assert.deepEqual({ clock: await page.getByTestId("race-clock").textContent(), field: await texts("race-racer") }, later, "the same point shows the same race");

    // play from the start at 8×, then pause
    await seekTo(0);
    await page.getByTestId("replay-speed").selectOption("8");
    await page.getByTestId("replay-play").click();
    await eventually("the replay to play on", async () => (Number(await page.getByTestId("replay-time").getAttribute("data-ms")) > 2000 ? true : undefined));
    await page.getByTestId("replay-play").click();
    const paused = await page.getByTestId("replay-time").getAttribute("data-ms");
    await wait(300);
    assert.equal(await page.getByTestId("replay-time").getAttribute("data-ms"), paused, "paused");

    await seekTo(length);
    await page.getByTestId("race-result").waitFor();
    assert.deepEqual(await shown("race-standing", "data-name"), byName(match.participants));
    await page.screenshot({ path: path.join(SCREENSHOTS, "race-replay.png"), fullPage: true });

    // a racer's history links to the replay; an unknown match says why it cannot be replayed
    await page.goto(`${server.url}/play/#history=${match.participants[0]!.playerId}`);
    await page.locator(`[data-testid="history-replay"][data-match-id="${matchId}"]`).click();
    await page.getByTestId("replay-seek").waitFor();
    assert.equal(await page.getByTestId("replay-check").getAttribute("data-same"), "true");
    await page.goto(`${server.url}/play/#replay=00000000-0000-4000-8000-000000000000`);
    assert.equal(await page.getByTestId("replay-error").getAttribute("data-code"), "NOT_FOUND");
    assert.deepEqual(browser.pageErrors.filter((e) => !e.includes("404")), [], "no errors but the refused request");
    browser.pageErrors.length = 0;
  });

  it("replays a stored war: faction scores grow with the timeline, the end shows the stored factions and players", async () => {
    const general = await (await player(server.url, "replay-general")).joinWar({ maxPlayers: 4, timeLimit: 12 });
    const stop = walkAbout(general, 700);
    const { matchId } = await general.next("finished", 60_000);
    stop();
    await general.leave();
    const match = await stored(matchId);

    const length = await openReplay(matchId);
    const scores = async () => (await texts("war-faction-score")).map(Number);
    await seekTo(length * 0.8);
    const late = await scores();
    await seekTo(length * 0.1);
    const early = await scores();
    assert.ok(early.reduce((a, b) => a + b) < late.reduce((a, b) => a + b), `scores ${early} grow to ${late}`);
    await seekTo(length * 0.8);
    assert.deepEqual(await scores(), late);

    await seekTo(length);
    await page.getByTestId("war-result").waitFor();
    const factions = (match.rows.faction_standings ?? []) as Array<{ faction: string; placement: number }>;
    assert.deepEqual(await shown("war-standing", "data-faction"), Object.fromEntries(factions.map((f) => [f.faction, String(f.placement)])));
    assert.deepEqual(await shown("war-player-standing", "data-name"), byName(match.participants));
    assert.deepEqual(browser.pageErrors, []);
  });

  it("seeks anywhere in a stored 10-minute war (prints the page's seek times)", async () => {
    const result = await storeTenMinuteWar(database.db);
    const length = await openReplay(result.matchId);
    assert.equal(length, 600_000, "ten minutes of war");
    const built = await page.getByTestId("replay").getAttribute("data-build-ms");
    const rng = new Rng(11);
    const seeks: number[] = [];
    for (let i = 0; i < 20; i++) seeks.push(await seekTo(Math.round(rng.float() * length)));
    seeks.sort((a, b) => a - b);
    console.log(`# 10-minute war in Chromium: first run ${built} ms; seek (re-run + fresh view) p50 ${seeks[10]} ms, max ${seeks.at(-1)} ms over ${seeks.length} seeks`);
    await seekTo(length);
    await page.getByTestId("war-result").waitFor();
    assert.deepEqual(await shown("war-player-standing", "data-name"), byName(result.participants.map((p) => ({ displayName: p.displayName, placement: p.placement }))));
    await page.screenshot({ path: path.join(SCREENSHOTS, "war-replay.png"), fullPage: true });
    assert.deepEqual(browser.pageErrors, []);
  });

  it("watches a live race from the Watch list to its end: no controls, the players' standings", async () => {
    const options = { trackLength: 150, maxPlayers: 2, lanes: 2 };
    const racers: RaceRoom[] = [await (await player(server.url, "live-ada")).joinRace(options), await (await player(server.url, "live-bob")).joinRace(options)];
    const roomId = racers[0]!.roomId;
    const finished = racers[0]!.next("finished", 60_000);
    finished.catch(() => undefined); // awaited below
    await racers[0]!.waitFor((s) => s.phase === "countdown" || s.phase === "racing");
    const drive = racers.map((room, i) => setInterval(() => room.send("input", { throttle: i === 0 ? 1 : 0.9, steer: 0, boost: false }), 100));
    try {
      await page.goto(`${server.url}/play/`);
      await page.getByTestId("watch-link").click();
      await page.getByTestId("watch-mode").selectOption("race");
      await page.getByTestId("watch-phase").selectOption("running");
      const row = page.locator(`[data-testid="watch-room"][data-room-id="${roomId}"]`);
      await eventually("the race in the Watch list", async () => {
        if (await row.isVisible()) return true;
        await page.getByTestId("watch-refresh").click();
        await wait(200);
        return undefined;
      });
      await row.getByTestId("watch-button").click();
      await page.getByTestId("race-view").waitFor();
      await page.getByTestId("spectating").waitFor();
      assert.equal(await page.getByTestId("race-controls").count(), 0, "a spectator has no controls");
      await page.getByTestId("race-watching").waitFor();
      await eventually("both racers on show", async () => ((await page.getByTestId("race-racer").count()) === 2 ? true : undefined));
      await eventually("GET /rooms to count the page", async () => ((await server.get<RoomSummary>(`/rooms/${roomId}`)).body.spectators === 1 ? true : undefined));
      await page.getByTestId("race-phase").filter({ hasText: "racing" }).waitFor();
      await page.screenshot({ path: path.join(SCREENSHOTS, "spectating.png") });

      const payload = await finished;
      await page.getByTestId("race-result").waitFor({ timeout: 15_000 });
      assert.deepEqual(await shown("race-standing", "data-name"), Object.fromEntries(payload.standings.map((s) => [s.name, String(s.place)])));
      await page.getByTestId("back-button").click();
      await page.getByTestId("watch").waitFor();
    } finally {
      drive.forEach(clearInterval);
      await Promise.all(racers.map((r) => r.leave()));
    }
    assert.deepEqual(browser.pageErrors, []);
  });
});
