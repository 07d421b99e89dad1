/**
 * The browser client end to end: a real Chromium opens /play on a real server process, and plays a
 * race, a quiz and a war against SDK clients. What the page shows is checked against what the SDK
 * clients receive from the server.
 */
import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { QuizRoom, RaceRoom, WarRoom } from "@arena/client-sdk";
import type { RaceFinishedPayload } from "@arena/shared/modes/race/contract";
import type { Page } from "playwright-core";
import { eventually, openBrowser, playFromLobby, wait, type BrowserSession } from "../support/browser.js";
import { collectRoundResults } from "../support/quiz-play.js";
import { player } from "../support/players.js";
import { REPO_ROOT, startServer, type ServerProcess } from "../support/server-process.js";

const SCREENSHOTS = path.join(REPO_ROOT, "test-artifacts", "web-client");

describe("browser client at /play, in a real Chromium against a real server", () => {
  let server: ServerProcess;
  let browser: BrowserSession;
  let page: Page;
  const sdkRooms: Array<RaceRoom | QuizRoom | WarRoom> = [];
  /** The page's player id in the race; a returning guest (token in localStorage) keeps it. */
  let racePlayerId: string | undefined;

  before(async () => {
    browser = await openBrowser(); // fails first, with a clear message, if Chromium or the build is missing
    page = browser.page;
    server = await startServer({
      env: {
        QUIZ_JOIN_WINDOW_MS: "300",
        QUIZ_ANSWER_WINDOW_MS: "8000",
        QUIZ_REVEAL_MS: "3000", // the page's reveal is checked within this window
        WAR_LOBBY_TIMEOUT_MS: "300",
      },
    });
    await mkdir(SCREENSHOTS, { recursive: true });
  });

  after(async () => {
    await Promise.all(sdkRooms.map((room) => room.leave().catch(() => undefined)));
    await browser?.close();
    await server?.stop();
  });

  const startFromLobby = (mode: "race" | "quiz" | "war", name: string, options: Record<string, string>) => playFromLobby(page, mode, name, options);

  it("signs in as a guest and plays a race from the keyboard to the finish; the result matches the server's", async () => {
    await page.goto(`${server.url}/play`);
    assert.equal(new URL(page.url()).pathname, "/play/", "/play redirects to the page");
    await startFromLobby("race", "web-racer", { "opt-race-trackLength": "80", "opt-race-maxPlayers": "2", "opt-race-lanes": "3" });
    const token = await page.evaluate(() => localStorage.getItem("arena.token"));
    assert.ok(token && token.split(".").length === 3, "the guest token is kept in localStorage");

    const bob = await (await player(server.url, "sdk-bob")).joinRace({ trackLength: 80, maxPlayers: 2, lanes: 3 });
    sdkRooms.push(bob);
    assert.match((await page.getByTestId("room-id").textContent()) ?? "", new RegExp(bob.roomId), "page and SDK client share one room");
    const finished: Promise<RaceFinishedPayload> = bob.next("finished", 40_000);
    finished.catch(() => undefined); // awaited below; no unhandled rejection if the test fails before
    const webRacer = () => [...bob.state.racers.values()].find((r) => r.name === "web-racer");

    await bob.waitFor((s) => s.phase === "countdown" || s.phase === "racing");
    await page.getByTestId("race-phase").filter({ hasText: /countdown|racing/ }).waitFor();
    const drive = setInterval(() => bob.send("input", { throttle: 1, steer: 0, boost: false }), 100);
    try {
      await page.keyboard.down("ArrowUp");
      await bob.waitFor((s) => s.phase === "racing");
      // a lane change from the keyboard reaches the server
      const lane = webRacer()!.lane;
      const key = lane > 0 ? "ArrowLeft" : "ArrowRight";
      await page.keyboard.press(key);
      await bob.waitFor(() => webRacer()!.lane !== lane, 3_000);
      assert.equal(webRacer()!.lane, lane + (key === "ArrowLeft" ? -1 : 1));
      await page.keyboard.press("Space");
      await bob.waitFor(() => webRacer()!.position > 0, 3_000);
      await eventually("the page to show the racer moving", async () => {
        const text = (await page.getByTestId("race-speed").textContent()) ?? "";
        return Number.parseFloat(text) > 0 ? text : undefined;
      });
      await bob.waitFor(() => webRacer()!.position > 25 || webRacer()!.place > 0, 10_000);
      await page.screenshot({ path: path.join(SCREENSHOTS, "race.png") });

      const result = await finished;
      await page.getByTestId("race-result").waitFor();
      await page.keyboard.up("ArrowUp");
      const mine = result.standings.find((s) => s.name === "web-racer");
      const theirs = result.standings.find((s) => s.name === "sdk-bob");
      assert.ok(mine && theirs, "both racers are in the standings");
      assert.equal(mine.dnf, false, "the page's racer finished: its keyboard throttle reached the server");
      racePlayerId = mine.playerId;
      assert.equal(await page.getByTestId("race-my-place").getAttribute("data-place"), String(mine.place));
      assert.match((await page.getByTestId("result-headline").textContent()) ?? "", mine.place === 1 ? /1st/ : /2nd/);
      const rows = page.getByTestId("race-standing");
      assert.equal(await rows.count(), 2);
      const bobRow = page.locator('[data-testid="race-standing"][data-name="sdk-bob"]');
      assert.equal(await bobRow.getAttribute("data-place"), String(theirs.place));
      assert.match((await bobRow.textContent()) ?? "", /sdk-bob/);
    } finally {
      clearInterval(drive);
    }
    // the mode's leaderboard is linked and shown (the results writer stores the match just after the end)
    assert.equal(await page.getByTestId("leaderboard-link").getAttribute("href"), "/leaderboards/race");
    await eventually("a leaderboard with entries", async () => {
      if ((await page.getByTestId("leaderboard").locator("tbody tr").count()) > 0) return true;
      await page.getByTestId("leaderboard").getByRole("button", { name: "refresh" }).click();
      await wait(300);
      return undefined;
    });
    await page.screenshot({ path: path.join(SCREENSHOTS, "race-result.png"), fullPage: true });
  });

  it("answers quiz rounds in the page; the reveal, points and final standings match the server's", async () => {
    await startFromLobby("quiz", "web-quizzer", { "opt-quiz-rounds": "3", "opt-quiz-minPlayers": "2", "opt-quiz-maxPlayers": "2", "opt-quiz-category": "any" });
    const carol = await (await player(server.url, "sdk-carol")).joinQuiz({ rounds: 3, minPlayers: 2, maxPlayers: 2, category: "any" });
    sdkRooms.push(carol);
    const results = collectRoundResults(carol);
    const finished = carol.next("finished", 60_000);
    finished.catch(() => undefined); // awaited below; no unhandled rejection if the test fails before
    const webSession = () => [...carol.state.players.entries()].find(([, p]) => p.name === "web-quizzer")?.[0];
    const kinds = new Set<string>();
    let webScore = 0;

    for (let round = 1; round <= 3; round++) {
      const state = await carol.waitFor((s) => s.status === "question" && s.round === round, 15_000);
      const question = state.question;
      kinds.add(question.kind);
      await page.getByTestId("quiz-prompt").filter({ hasText: question.prompt }).waitFor();
      await page.getByTestId("quiz-round").filter({ hasText: `${round} of 3` }).waitFor();
      // the page answers: the first option, or the middle of the range
      const pageAnswer = question.kind === "choice" ? 0 : (question.minValue + question.maxValue) / 2;
      if (question.kind === "choice") {
        assert.equal(await page.getByTestId("quiz-option").count(), question.options.length);
        await page.getByTestId("quiz-option").first().click();
      } else {
        await page.getByTestId("quiz-number").fill(String(pageAnswer));
        await page.getByTestId("quiz-submit").click();
      }
      const web = webSession()!;
      await carol.waitFor((s) => s.players.get(web)?.answered === true, 5_000);
      await page.locator('[data-testid="quiz-player"][data-name="web-quizzer"][data-answered]').waitFor();
      carol.send("answer", { answer: question.kind === "choice" ? question.options.length - 1 : question.minValue, round: round });

      const result = await eventually(`round_result ${round}`, () => results.find((r) => r.round === round));
      const reveal = page.getByTestId("quiz-correct");
      await page.getByTestId("quiz-reveal").waitFor();
      const expected = result.kind === "choice" ? result.correctIndex : result.target;
      assert.equal(await reveal.getAttribute("data-answer"), String(expected), "the page reveals the server's answer");
      if (result.kind === "choice") assert.equal(await reveal.textContent(), question.options[result.correctIndex!]);
      const mine = result.answers.find((a) => a.sessionId === web);
      assert.ok(mine, "the round result lists the page's answer");
      assert.equal(mine.answer, pageAnswer, "the server got the page's answer");
      assert.equal(await page.getByTestId("quiz-my-points").textContent(), `+${mine.points}`);
      webScore += mine.points;
      await page
        .locator('[data-testid="quiz-player"][data-name="web-quizzer"]')
        .getByTestId("quiz-score")
        .filter({ hasText: new RegExp(`^${webScore}$`) })
        .waitFor();
      if (round === 1) await page.screenshot({ path: path.join(SCREENSHOTS, "quiz.png") });
    }
    assert.equal(kinds.size, 2, "three rounds hold both kinds of question (choice buttons and the number field)");

    const payload = await finished;
    assert.equal(payload.standings.find((s) => s.name === "web-quizzer")?.playerId, racePlayerId, "the renamed returning guest kept the player id");
    await page.getByTestId("quiz-result").waitFor();
    for (const standing of payload.standings) {
      const row = page.locator(`[data-testid="quiz-standing"][data-name="${standing.name}"]`);
      assert.equal(await row.getAttribute("data-place"), String(standing.placement));
      assert.match((await row.textContent()) ?? "", new RegExp(`${standing.score}$`));
    }
    await page.screenshot({ path: path.join(SCREENSHOTS, "quiz-result.png"), fullPage: true });
  });

  it("opens a war: the map shows the server's zones and roads, a click walks the unit, errors show with their code", async () => {
    await startFromLobby("war", "web-warrior", { "opt-war-factions": "2", "opt-war-maxPlayers": "4", "opt-war-faction": "red", "opt-war-timeLimit": "60" });
    const dave = await (await player(server.url, "sdk-dave")).joinWar({ factions: 2, maxPlayers: 4, timeLimit: 60, scoreLimit: 0, faction: "blue" });
    sdkRooms.push(dave);
    const state = await dave.waitFor((s) => s.phase === "playing" && [...s.players.values()].some((p) => p.name === "web-warrior"));
    assert.match((await page.getByTestId("room-id").textContent()) ?? "", new RegExp(dave.roomId));
    await page.getByTestId("war-status").filter({ hasText: "playing" }).waitFor();

    const zones = page.getByTestId("war-zone");
    assert.equal(await zones.count(), state.zones.length, "one zone on the map per zone in the state");
    assert.deepEqual((await zones.evaluateAll((els) => els.map((el) => el.getAttribute("data-name")))).sort(), state.zones.map((z) => z.name).sort());
    const edges = state.zones.reduce((sum, z) => sum + z.neighbours.length, 0) / 2;
    assert.equal(await page.getByTestId("war-road").count(), edges, "one road per pair of neighbours");
    assert.equal(await page.getByTestId("war-faction").count(), 2);
    assert.equal(await page.getByTestId("war-mission").count(), state.missions.length);
    await page.getByTestId("war-my-unit").waitFor();

    const me = () => [...dave.state.players.values()].find((p) => p.name === "web-warrior")!;
    assert.equal(me().faction, "red");
    const here = me().zone;
    // the server refuses a move to the zone you stand on; the page shows the error and its code
    await page.locator(`[data-testid="war-zone"][data-zone-id="${here}"]`).click();
    await page.locator('[data-testid="error-toast"][data-code="INVALID_MOVE"]').waitFor();
    // a click on a neighbouring zone walks there
    const target = state.zones[here]!.neighbours[0]!;
    await page.locator(`[data-testid="war-zone"][data-zone-id="${target}"]`).click();
    await dave.waitFor(() => me().to === target || me().zone === target, 3_000);
    await page.getByTestId("war-me").filter({ hasText: state.zones[target]!.name }).waitFor();
    await wait(600);
    await page.screenshot({ path: path.join(SCREENSHOTS, "war.png") });

    await page.getByTestId("leave-button").click();
    await page.getByTestId("lobby").waitFor();
    assert.deepEqual(browser.pageErrors, [], "no errors in the page");
  });
});
