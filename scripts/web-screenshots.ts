/**
 * Takes the README screenshots of the browser client (docs/screenshots/{race,quiz,war}.png): starts
 * a real server, opens /play in Chromium and plays each mode against SDK clients, like the test
 * `server/test/web-client.test.ts` but with fuller matches. Needs PostgreSQL (as the tests do).
 *
 *   npm run build && npx tsx scripts/web-screenshots.ts [output folder]
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import type { QuizRoom, RaceRoom, WarRoom } from "@arena/client-sdk";
import { NO_ZONE } from "@arena/shared/modes/war/contract";
import { eventually, openBrowser, playFromLobby, wait } from "../server/test/support/browser.js";
import { player } from "../server/test/support/players.js";
import { answering, autoAnswer, correctAnswer, loadBank } from "../server/test/support/quiz-play.js";
import { REPO_ROOT, TEST_DATABASE_URL, startServer } from "../server/test/support/server-process.js";

const out = path.resolve(process.argv[2] ?? path.join(REPO_ROOT, "docs", "screenshots"));
await mkdir(out, { recursive: true });
const server = await startServer({ env: { QUIZ_JOIN_WINDOW_MS: "300", QUIZ_ANSWER_WINDOW_MS: "12000", QUIZ_REVEAL_MS: "6000", WAR_LOBBY_TIMEOUT_MS: "500" } });
const browser = await openBrowser({ width: 1280, height: 760 });
const { page } = browser;
const rooms: Array<RaceRoom | QuizRoom | WarRoom> = [];
const timers: NodeJS.Timeout[] = [];
const shot = async (name: string) => {
  await page.screenshot({ path: path.join(out, name), fullPage: true });
  console.log(`wrote ${path.join(out, name)}`);
};

try {
  await page.goto(`${server.url}/play`);
  // race: four racers on 400 m; the SDK racers drive at different throttles and wander between lanes
  const raceOptions = { trackLength: 400, maxPlayers: 4, lanes: 4 };
  await playFromLobby(page, "race", "ada", { "opt-race-trackLength": "400", "opt-race-maxPlayers": "4", "opt-race-lanes": "4" });
  const racers = await Promise.all(["grace", "linus", "alan"].map(async (name) => (await player(server.url, name)).joinRace(raceOptions)));
  rooms.push(...racers);
  const watcher = racers[0]!;
  await watcher.waitFor((s) => s.phase === "racing", 20_000);
  racers.forEach((room, i) => {
    let tick = 0;
    timers.push(setInterval(() => room.send("input", { throttle: [0.95, 0.85, 1][i]!, steer: ++tick % (13 + i * 4) === 0 ? (i % 2 === 0 ? 1 : -1) : 0, boost: tick === 20 + i * 15 }), 100));
  });
  await page.keyboard.down("ArrowUp");
  await wait(1200);
  await page.keyboard.press("ArrowRight");
  await wait(1500);
  await page.keyboard.press("Space");
  await watcher.waitFor((s) => [...s.racers.values()].some((r) => r.name === "ada" && r.position > 170), 30_000);
  await shot("race.png");
  await page.keyboard.up("ArrowUp");
  await page.getByTestId("leave-button").click();

  // quiz: three players; the page and grace answer right, linus wrong; the shot is a choice round's reveal
  const bank = await loadBank(TEST_DATABASE_URL);
  // a seeded category: the test database may also hold questions other tests added
  const quizOptions = { rounds: 3, minPlayers: 3, maxPlayers: 3, category: "history" };
  await playFromLobby(page, "quiz", "ada", { "opt-quiz-rounds": "3", "opt-quiz-minPlayers": "3", "opt-quiz-maxPlayers": "3", "opt-quiz-category": "history" });
  const [grace, linus] = await Promise.all(["grace", "linus"].map(async (name) => (await player(server.url, name)).joinQuiz(quizOptions)));
  rooms.push(grace!, linus!);
  autoAnswer(grace!, answering(bank, true), 2500);
  autoAnswer(linus!, answering(bank, false), 1200);
  for (let round = 1; round <= 3; round++) {
    const state = await grace!.waitFor((s) => s.status === "question" && s.round === round, 30_000);
    const question = bank.get(state.question.id)!;
    await page.getByTestId("quiz-prompt").filter({ hasText: question.prompt }).waitFor();
    await wait(1800);
    if (question.kind === "choice") await page.getByTestId("quiz-option").nth(correctAnswer(question)).click();
    else {
      await page.getByTestId("quiz-number").fill(String(correctAnswer(question) + 1));
      await page.getByTestId("quiz-submit").click();
    }
    await grace!.waitFor((s) => s.status === "reveal" && s.round === round, 15_000);
    if (question.kind === "choice") {
      await page.getByTestId("quiz-reveal").waitFor();
      await eventually("all answers listed", async () => ((await page.getByTestId("quiz-round-answer").count()) === 3 ? true : undefined));
      await shot("quiz.png");
      break;
    }
  }
  await page.getByTestId("leave-button").click();

  // war: three factions of two; the page and grace walk toward zones their faction does not own
  const warOptions = { factions: 3, maxPlayers: 6, timeLimit: 120, scoreLimit: 0 };
  await playFromLobby(page, "war", "ada", { "opt-war-factions": "3", "opt-war-maxPlayers": "6", "opt-war-faction": "red", "opt-war-timeLimit": "120" });
  const rival = await (await player(server.url, "grace")).joinWar({ ...warOptions, faction: "blue" });
  rooms.push(rival);
  await rival.waitFor((s) => s.phase === "playing", 10_000);
  const nextZone = (room: WarRoom, name: string): number | undefined => {
    const me = [...room.state.players.values()].find((p) => p.name === name);
    if (!me || me.zone === NO_ZONE) return undefined;
    const here = room.state.zones[me.zone]!;
    if (here.owner !== me.faction) return undefined; // stay until it is ours
    return [...here.neighbours].find((id) => room.state.zones[id]!.owner !== me.faction) ?? here.neighbours[0];
  };
  timers.push(
    setInterval(() => {
      const to = nextZone(rival, "grace");
      if (to !== undefined) rival.send("move", { to: to });
    }, 300),
  );
  const until = Date.now() + 14_000;
  while (Date.now() < until) {
    const to = nextZone(rival, "ada");
    if (to !== undefined) await page.locator(`[data-testid="war-zone"][data-zone-id="${to}"]`).click();
    await wait(400);
  }
  await shot("war.png");
  await page.getByTestId("leave-button").click();
  if (browser.pageErrors.length > 0) throw new Error(`errors in the page: ${browser.pageErrors.join("; ")}`);
} finally {
  timers.forEach(clearInterval);
  await Promise.all(rooms.map((room) => room.leave().catch(() => undefined)));
  await browser.close();
  await server.stop();
}
