import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { after, describe, it } from "node:test";
import { eq, sql } from "drizzle-orm";
import type { QuizRoom } from "@arena/client-sdk";
import type { QuizFinishedPayload, QuizRoundResultPayload } from "@arena/shared/modes/quiz/contract";
import type { QuizQuestion } from "@arena/shared/modes/quiz/questions";
import type { QuizSettings } from "@arena/shared/modes/quiz/rules";
import { parseQuestionRow } from "../../src/modes/quiz/question-bank.js";
import { quizAnswers, quizQuestions } from "../../src/modes/quiz/tables.js";
import { MIGRATIONS_FOLDER, openDatabase, type Database } from "../../src/persistence/database.js";
import { matchParticipants, matches } from "../../src/persistence/schema.js";
import { replayOutcome, replayStoredMatch } from "../../src/replay/replay-match.js";
import { silentLogger } from "../support/fixtures.js";
import { createScratchDatabase } from "../support/scratch-database.js";
import { answering, autoAnswer, collectRoundResults, loadBank } from "../support/quiz-play.js";
import { player } from "../support/players.js";
import { TEST_DATABASE_URL, startServer, tempDir, type ServerProcess } from "../support/server-process.js";

const QUIZ_ENV = { QUIZ_JOIN_WINDOW_MS: "300", QUIZ_ANSWER_WINDOW_MS: "1500", QUIZ_REVEAL_MS: "150" };
const SEEDED_CATEGORIES = ["geography", "history", "science", "sport"];

/** Checks the seeded bank: at least 50 usable questions over several categories, a good share of numbers. */
async function checkSeededBank(database: Database): Promise<void> {
  const rows = await database.db.select().from(quizQuestions);
  const seeded = rows.filter((row) => SEEDED_CATEGORIES.includes(row.category));
  assert.ok(seeded.length >= 50, `${seeded.length} seeded questions`);
  for (const row of seeded) assert.equal(parseQuestionRow(row).ok, true, `question ${row.id} is usable`);
  for (const category of SEEDED_CATEGORIES) {
    assert.ok(seeded.filter((row) => row.category === category).length >= 10, `category ${category}`);
  }
  const numbers = seeded.filter((row) => row.kind === "number").length;
  assert.ok(numbers / seeded.length >= 0.4, `${numbers} number questions of ${seeded.length}`);
}

/** Polls until the match row is written (the results writer works in the background). */
async function waitForMatch(database: Database, matchId: string) {
  for (let i = 0; i < 100; i++) {
    const rows = await database.db.select().from(matches).where(eq(matches.id, matchId));
    if (rows.length > 0) return rows;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`match ${matchId} was not stored`);
}

async function playQuiz(server: ServerProcess, bank: Map<string, QuizQuestion> | undefined, category: string) {
  const options = { rounds: 3, minPlayers: 2, maxPlayers: 2, category };
  const alice = await (await player(server.url, "alice")).joinQuiz(options);
  const bob = await (await player(server.url, "bob")).joinQuiz(options);
  const results = collectRoundResults(alice);
  const finished = alice.next("finished", 20_000);
  // without the bank at hand (PGlite belongs to the server), answer blind
  const blind = (q: { kind: string; minValue: number }) => (q.kind === "choice" ? 0 : q.minValue);
  const stops = [
    autoAnswer(alice, bank ? answering(bank, true) : blind),
    autoAnswer(bob, bank ? answering(bank, false) : blind, 40),
  ];
  const payload: QuizFinishedPayload = await finished;
  stops.forEach((stop) => stop());
  await Promise.all([alice.leave(), bob.leave()]);
  return { finished: payload, results };
}

describe("quiz results in PostgreSQL", () => {
  const servers: ServerProcess[] = [];
  after(async () => {
    await Promise.all(servers.map((s) => s.stop()));
  });

  it("stores one match, a participant per player and every answer, and replays to the stored standings", async () => {
    const server = await startServer({ env: { DATABASE_URL: TEST_DATABASE_URL, ...QUIZ_ENV } });
    servers.push(server);
    const bank = await loadBank(TEST_DATABASE_URL);
    const { finished, results } = await playQuiz(server, bank, "sport");

    const database = await openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir: "", logger: silentLogger });
    try {
      await checkSeededBank(database);
      const [match, ...more] = await waitForMatch(database, finished.matchId);
      assert.equal(more.length, 0);
      assert.equal(match!.mode, "quiz");
      assert.equal(match!.status, "completed");
      const settings = match!.settings as QuizSettings;
      assert.equal(settings.answerWindowMs, 1500);
      assert.equal(settings.category, "sport");
      assert.deepEqual(
        settings.questions.map((q) => q.id),
        results.map((r) => r.questionId),
        "the settings keep the questions as played",
      );

      const participants = await database.db.select().from(matchParticipants).where(eq(matchParticipants.matchId, finished.matchId));
      assert.equal(participants.length, 2);
      for (const standing of finished.standings) {
        const row = participants.find((p) => p.playerId === standing.playerId);
        assert.ok(row, `participant ${standing.name}`);
        assert.deepEqual([row.displayName, row.placement, row.score], [standing.name, standing.placement, standing.score]);
      }

      const answers = await database.db.select().from(quizAnswers).where(eq(quizAnswers.matchId, finished.matchId));
      const sent = results.flatMap((r: QuizRoundResultPayload) =>
        r.answers.map((a) => ({
          playerId: finished.standings.find((s) => s.sessionId === a.sessionId)!.playerId,
          round: r.round,
          questionId: r.questionId,
          answer: a.answer,
          correct: a.correct,
          responseTimeMs: a.responseTimeMs,
          points: a.points,
        })),
      );
      assert.equal(sent.length, 6, "both players answered all three rounds");
      const inOrder = <T extends { round: number; playerId: string }>(rows: T[]) =>
        rows.sort((x, y) => `${x.round}:${x.playerId}`.localeCompare(`${y.round}:${y.playerId}`));
      const stored = inOrder(answers.map(({ matchId: _matchId, ...rest }) => rest));
      assert.deepEqual(stored, inOrder(sent));

      // the pure replay of the stored seed, settings and input log gives exactly the stored result
      const replayed = replayOutcome("quiz", match!);
      assert.ok("outcome" in replayed, "recorded with the current rules");
      const byPlayer = (rows: Array<{ playerId: string; placement: number; score: number }>) =>
        rows.map((r) => [r.playerId, r.placement, r.score]).sort((x, y) => String(x[0]).localeCompare(String(y[0])));
      assert.deepEqual(byPlayer(replayed.outcome.standings), byPlayer(participants));
      assert.deepEqual(inOrder([...(replayed.outcome.rows?.quiz_answers ?? [])] as typeof stored), stored);
      assert.equal((await replayStoredMatch(database.db, finished.matchId))?.verdict, "reproduced");
    } finally {
      await database.close();
    }
  });

  it("finishes and stores the quiz when every player leaves mid-quiz", async () => {
    const server = await startServer({ env: { DATABASE_URL: TEST_DATABASE_URL, ...QUIZ_ENV } });
    servers.push(server);
    const options = { rounds: 5, minPlayers: 2, maxPlayers: 2, category: "history" };
    const rooms: QuizRoom[] = [];
    for (const name of ["leaver-1", "leaver-2"]) rooms.push(await (await player(server.url, name)).joinQuiz(options));
    const [first, second] = rooms as [QuizRoom, QuizRoom];
    await first.waitFor((s) => s.status === "question" && s.round === 1);
    // one answer in the open round: it still counts when everyone is gone
    first.send("answer", { answer: first.state.question.kind === "choice" ? 0 : first.state.question.minValue, round: first.state.round });
    await second.waitFor((s) => s.players.get(first.sessionId)?.answered === true);
    const roomId = first.roomId;
    await Promise.all([first.leave(), second.leave()]);

    const line = await server.waitForLog((l) => l.msg === "match finished" && l.roomId === roomId);
    const database = await openDatabase({ databaseUrl: TEST_DATABASE_URL, dataDir: "", logger: silentLogger });
    try {
      const [match] = await waitForMatch(database, String(line.matchId));
      assert.equal(match!.status, "aborted");
      assert.equal((match!.summary as { roundsPlayed: number }).roundsPlayed, 1);
      const participants = await database.db.select().from(matchParticipants).where(eq(matchParticipants.matchId, match!.id));
      assert.equal(participants.length, 2);
      assert.ok(participants.every((p) => (p.details as { left: boolean }).left));
      const answers = await database.db.select().from(quizAnswers).where(eq(quizAnswers.matchId, match!.id));
      assert.equal(answers.length, 1);
    } finally {
      await database.close();
    }
  });
});

describe("quiz replay without the question bank", () => {
  it("replays a stored quiz to its result after the bank's rows of its questions changed", async () => {
    // a database of its own: the bank is edited here, and other tests read theirs
    const scratch = await createScratchDatabase();
    const server = await startServer({ env: { DATABASE_URL: scratch.url, ...QUIZ_ENV } });
    let database: Database | undefined;
    try {
      const bank = await loadBank(scratch.url);
      const { finished } = await playQuiz(server, bank, "science");
      database = await openDatabase({ databaseUrl: scratch.url, dataDir: "", logger: silentLogger });
      const [match] = await waitForMatch(database, finished.matchId);
      const played = (match!.settings as QuizSettings).questions.map((q) => q.id);
      assert.equal((await replayStoredMatch(database.db, finished.matchId))?.verdict, "reproduced");

      // every answer of the played questions changes, and their texts: the stored match does not
      for (const id of played) {
        const question = bank.get(id)!;
        const edit =
          question.kind === "choice"
            ? { prompt: `${question.prompt} (edited)`, correctIndex: (question.correctIndex + 1) % question.options.length }
            : { prompt: `${question.prompt} (edited)`, target: question.target === question.minValue ? question.maxValue : question.minValue };
        await database.db.update(quizQuestions).set(edit).where(eq(quizQuestions.id, id));
      }
      const edited = await loadBank(scratch.url);
      assert.ok(played.every((id) => JSON.stringify(edited.get(id)) !== JSON.stringify(bank.get(id))), "the bank rows changed");
      const report = await replayStoredMatch(database.db, finished.matchId);
      assert.equal(report?.verdict, "reproduced", report?.replayed.join("\n"));
      assert.ok(report.stored.some((line) => line.startsWith("quiz_answers")), "the answers were compared too");
    } finally {
      await database?.close();
      await server.stop();
      await scratch.drop();
    }
  });
});

describe("quiz on the embedded PGlite database", () => {
  it("seeds the bank on PGlite too, plays a quiz on it and stores the answers", async () => {
    const dataDir = await tempDir();
    const server = await startServer({ env: { DATA_DIR: dataDir, DATABASE_URL: "", ...QUIZ_ENV } });
    let finished: QuizFinishedPayload;
    try {
      ({ finished } = await playQuiz(server, undefined, "any"));
      await server.waitForLog((l) => l.msg === "match result stored" && l.matchId === finished.matchId);
    } finally {
      await server.stop();
    }

    const database = await openDatabase({ databaseUrl: undefined, dataDir, logger: silentLogger });
    try {
      await checkSeededBank(database);
      const answers = await database.db.select().from(quizAnswers).where(eq(quizAnswers.matchId, finished.matchId));
      assert.equal(answers.length, 6);

      // the seed migration is idempotent: running its statements again adds nothing
      const count = async () => (await database.db.select({ n: sql<number>`count(*)::int` }).from(quizQuestions))[0]!.n;
      const before = await count();
      const seedSql = await readFile(path.join(MIGRATIONS_FOLDER, "0003_seed_quiz_questions.sql"), "utf8");
      for (const statement of seedSql.split("--> statement-breakpoint")) await database.db.execute(sql.raw(statement));
      assert.equal(await count(), before);
    } finally {
      await database.close();
    }
  });
});
