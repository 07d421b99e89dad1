#!/usr/bin/env node
// Makes sure what the test suite talks to is there before any test runs: PostgreSQL, Redis (and
// redis-cli) and Chromium. Starts a local PostgreSQL or Redis that is installed but down and installs
// Debian's chromium when it can (root with apt-get); where it cannot, it stops with one line naming
// the command to run, so nobody gets a suite of cancelled tests instead.
// Honours TEST_DATABASE_URL, TEST_REDIS_URL and CHROMIUM_PATH like the tests do.
import { spawnSync } from "node:child_process";
import { accessSync, constants, mkdirSync } from "node:fs";
import { connect } from "node:net";
import path from "node:path";
import postgres from "postgres";

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);
const isRoot = process.getuid?.() === 0;

class SetupError extends Error {}

/** Stops the setup with one line (no stack trace). */
function cannot(line) {
  throw new SetupError(line);
}

function onPath(command) {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    try {
      accessSync(path.join(dir, command), constants.X_OK);
      return true;
    } catch {
      // not in this folder
    }
  }
  return false;
}

/** Runs a command with its output shown; fails the setup with the command's last line of output. */
function run(command, args, what) {
  const result = spawnSync(command, args, { stdio: ["ignore", "inherit", "pipe"], encoding: "utf8" });
  if (result.status !== 0) {
    const last = (result.stderr ?? "").trim().split("\n").pop() || result.error?.message || `exit ${result.status}`;
    cannot(`${what} failed (${command} ${args.join(" ")}): ${last}`);
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(probe, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    if ((await probe()) === undefined) return true;
    if (Date.now() > deadline) return false;
    await sleep(250);
  }
}

/** `select 1`; undefined when it answers, otherwise the error (code and message). */
async function probePostgres() {
  const sql = postgres(DATABASE_URL, { max: 1, connect_timeout: 3, idle_timeout: 1, onnotice: () => {} });
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error("no answer within 5 s"), { code: "CONNECT_TIMEOUT" })), 5_000);
  });
  try {
    await Promise.race([sql`select 1`, timeout]);
    return undefined;
  } catch (error) {
    return { code: error.code, message: error.message };
  } finally {
    clearTimeout(timer);
    await sql.end({ timeout: 1 }).catch(() => {});
  }
}

/** The Debian cluster (pg_lsclusters) listening on the URL's port, if the URL is local and there is one. */
function localCluster(url) {
  if (!LOOPBACK.has(url.hostname) || !onPath("pg_lsclusters")) return undefined;
  const listed = spawnSync("pg_lsclusters", ["--no-header"], { encoding: "utf8" });
  const port = url.port || "5432";
  for (const line of (listed.stdout ?? "").split("\n")) {
    const [version, name, clusterPort] = line.trim().split(/\s+/);
    if (clusterPort === port) return { version, name };
  }
  return undefined;
}

async function preparePostgres() {
  const shown = DATABASE_URL.replace(/:[^:@/]*@/, ":…@");
  let problem = await probePostgres();
  if (!problem) return "PostgreSQL answers";
  const refused = ["ECONNREFUSED", "CONNECT_TIMEOUT", "ENOENT", "ENOTFOUND", "EAI_AGAIN"].includes(problem.code);
  if (!refused) cannot(`PostgreSQL at ${shown} refused the test connection (${problem.message}); fix the server or TEST_DATABASE_URL`);
  const url = new URL(DATABASE_URL);
  const cluster = localCluster(url);
  if (!cluster) {
    if (!LOOPBACK.has(url.hostname) || process.env.TEST_DATABASE_URL) cannot(`PostgreSQL does not answer at ${shown} (TEST_DATABASE_URL): start that server or point TEST_DATABASE_URL at one that runs`);
    cannot(`PostgreSQL does not answer at ${shown} and no local cluster listens on port ${url.port || 5432}: run \`apt-get install -y postgresql\` as root, or set TEST_DATABASE_URL`);
  }
  const start = ["--skip-systemctl-redirect", cluster.version, cluster.name, "start"];
  if (!isRoot) cannot(`PostgreSQL does not answer at ${shown}: start it as root with \`pg_ctlcluster ${start.join(" ")}\``);
  run("pg_ctlcluster", start, "starting PostgreSQL");
  if (!(await waitFor(async () => (problem = await probePostgres()), 30_000))) cannot(`PostgreSQL started but does not answer at ${shown}: ${problem?.message}`);
  return `PostgreSQL started (cluster ${cluster.version}/${cluster.name})`;
}

/** PING over a plain socket; undefined on +PONG, otherwise what went wrong. */
function probeRedis(url) {
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname.replace(/^\[|\]$/g, ""), port: Number(url.port || 6379) });
    const done = (result) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(2_000, () => done("no answer within 2 s"));
    socket.once("error", (error) => done(error.code ?? error.message));
    socket.once("connect", () => socket.write("PING\r\n"));
    socket.once("data", (chunk) => done(chunk.toString("utf8").startsWith("+PONG") ? undefined : chunk.toString("utf8").trim()));
  });
}

function redisStartCommand(port) {
  const log = port === "6379" ? "ci.log" : `ci-${port}.log`;
  return ["--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", port, "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile", `/var/log/redis/${log}`];
}

async function prepareRedis() {
  const url = new URL(REDIS_URL);
  let problem = await probeRedis(url);
  if (!problem) return "Redis answers";
  if (!LOOPBACK.has(url.hostname)) cannot(`Redis does not answer at ${REDIS_URL} (TEST_REDIS_URL): start that server or point TEST_REDIS_URL at one that runs`);
  if (problem !== "ECONNREFUSED") cannot(`Redis at ${REDIS_URL} does not answer PING (${problem}); fix the server or TEST_REDIS_URL`);
  if (!onPath("redis-server")) cannot(`Redis does not answer at ${REDIS_URL} and is not installed: run \`apt-get install -y redis-server\` as root, or set TEST_REDIS_URL`);
  const args = redisStartCommand(url.port || "6379");
  const quoted = args.map((arg) => (arg === "" ? '""' : arg)).join(" ");
  if (!isRoot) cannot(`Redis does not answer at ${REDIS_URL}: start it as root with \`mkdir -p /var/lib/redis /var/log/redis && redis-server ${quoted}\``);
  mkdirSync("/var/lib/redis", { recursive: true });
  mkdirSync("/var/log/redis", { recursive: true });
  run("redis-server", args, "starting Redis");
  if (!(await waitFor(async () => (problem = await probeRedis(url)), 10_000))) cannot(`Redis started but does not answer at ${REDIS_URL}: ${problem}`);
  return `Redis started on port ${url.port || 6379}`;
}

function executable(file) {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function prepareChromium() {
  if (executable(CHROMIUM)) return `Chromium ${CHROMIUM}`;
  const install = "apt-get update && apt-get install -y --no-install-recommends chromium";
  if (process.env.CHROMIUM_PATH) cannot(`Chromium is missing at ${CHROMIUM} (CHROMIUM_PATH): point CHROMIUM_PATH at a Chromium binary, or unset it and run \`${install}\` as root`);
  if (!onPath("apt-get")) cannot(`Chromium is missing at ${CHROMIUM} and there is no apt-get: install Chromium and set CHROMIUM_PATH to its binary`);
  if (!isRoot) cannot(`Chromium is missing at ${CHROMIUM}: run \`${install}\` as root (or set CHROMIUM_PATH)`);
  console.log(`test setup: installing Debian's chromium (${install})`);
  process.env.DEBIAN_FRONTEND = "noninteractive";
  run("apt-get", ["update", "-qq"], "apt-get update");
  run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "chromium"], "installing chromium");
  if (!executable(CHROMIUM)) cannot(`apt-get installed chromium but ${CHROMIUM} is still missing: set CHROMIUM_PATH to its binary`);
  return `Chromium ${CHROMIUM} (installed)`;
}

function prepareRedisCli() {
  if (!onPath("redis-cli")) cannot("redis-cli is missing (the cluster tests flush their Redis database with it): run `apt-get install -y redis-tools` as root");
}

try {
  prepareRedisCli();
  const done = [await preparePostgres(), await prepareRedis(), prepareChromium()];
  console.log(`test setup: ${done.join(", ")}`);
} catch (error) {
  if (!(error instanceof SetupError)) throw error;
  console.error(`test setup: ${error.message}`);
  process.exit(1);
}
