import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import type { RaceRoom } from "@arena/client-sdk";
import { NO_ZONE } from "@arena/shared/modes/war/contract";
import { loadConfig } from "../../src/config.js";
import { isolatedRedisUrl } from "../support/cluster.js";
import { player } from "../support/players.js";
import { REPO_ROOT, freePort, startServer, tempDir, type ServerProcess } from "../support/server-process.js";

/**
 * The operator assets (Grafana dashboard and provisioning, Prometheus scrape config and alert rules,
 * docker-compose.yml) against what a real server process exports after it played a race and a war.
 */

const ASSETS = {
  dashboard: "observability/grafana/dashboards/arena.json",
  datasources: "observability/grafana/provisioning/datasources/prometheus.yml",
  dashboardProviders: "observability/grafana/provisioning/dashboards/arena.yml",
  prometheus: "observability/prometheus/prometheus.yml",
  alerts: "observability/prometheus/alerts.yml",
  compose: "docker-compose.yml",
} as const;

const SCRAPE_JOB = "arena";
/** Series Prometheus makes for every target itself, with their labels. */
const MADE_BY_PROMETHEUS = new Map([["up", new Set(["instance", "job"])]]);
/** Labels Prometheus adds to every scraped series. */
const TARGET_LABELS = ["instance", "job"];
/**
 * Metrics the server declares but only gives a series when something goes wrong (a tick started
 * late), so a healthy test run cannot show one. Everything else a query names must have a series.
 */
const ONLY_ON_TROUBLE = new Set(["arena_ticks_late_total"]);

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function readAsset(relative: string): Promise<string> {
  return readFile(path.join(REPO_ROOT, relative), "utf8");
}

async function readYaml<T>(relative: string): Promise<T> {
  // merge keys (<<: *anchor) as docker compose reads them
  return parseYaml(await readAsset(relative), { merge: true }) as T;
}

/** `${VAR:-default}` in a compose file, replaced as Compose does when VAR is unset. */
const COMPOSE_VARIABLE = /\$\{([A-Z0-9_]+):-([^}]*)\}/g;

/** docker-compose.yml as Compose reads it with none of its variables set. */
async function readCompose(): Promise<Compose> {
  return parseYaml((await readAsset(ASSETS.compose)).replace(COMPOSE_VARIABLE, (_all, _name: string, fallback: string) => fallback), { merge: true }) as Compose;
}

// ------------------------------------------------------------------------------------------------
// The exposition format, as Prometheus reads it

interface Exposition {
  /** Family name → type, from the `# TYPE` lines. */
  types: Map<string, string>;
  /** Sample name (with _bucket, _sum, _count) → the label names on its samples. */
  series: Map<string, Set<string>>;
}

function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const series = new Map<string, Set<string>>();
  for (const line of text.split("\n")) {
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\w+)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (line.startsWith("#") || line.trim() === "") continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+\S+/.exec(line);
    assert.ok(sample, `unparseable exposition line: ${line}`);
    const labels = series.get(sample[1]!) ?? new Set<string>();
    for (const match of (sample[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="(?:[^"\\]|\\.)*"/g)) labels.add(match[1]!);
    series.set(sample[1]!, labels);
  }
  return { types, series };
}

// ------------------------------------------------------------------------------------------------
// What a PromQL expression refers to

const AGGREGATIONS = new Set([
  "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile", "limitk", "limit_ratio",
]);
const FUNCTIONS = new Set([
  "abs", "absent", "absent_over_time", "ceil", "changes", "clamp", "clamp_max", "clamp_min", "day_of_month", "day_of_week",
  "day_of_year", "days_in_month", "delta", "deriv", "exp", "floor", "histogram_avg", "histogram_count", "histogram_fraction",
  "histogram_quantile", "histogram_stddev", "histogram_stdvar", "histogram_sum", "holt_winters", "double_exponential_smoothing",
  "hour", "idelta", "increase", "irate", "label_join", "label_replace", "ln", "log2", "log10", "minute", "month", "predict_linear",
  "rate", "resets", "round", "scalar", "sgn", "sort", "sort_desc", "sort_by_label", "sort_by_label_desc", "sqrt", "time",
  "timestamp", "vector", "year", "avg_over_time", "min_over_time", "max_over_time", "sum_over_time", "count_over_time",
  "quantile_over_time", "stddev_over_time", "stdvar_over_time", "last_over_time", "present_over_time", "mad_over_time",
  "start", "end",
]);
const GROUPING = new Set(["by", "without", "on", "ignoring", "group_left", "group_right"]);
const KEYWORDS = new Set(["and", "or", "unless", "bool", "offset", "atan2", "inf", "nan"]);

interface Selector {
  metric: string;
  labels: string[];
}

interface QueryRefs {
  selectors: Selector[];
  /** Label names in by/without/on/ignoring/group_left/group_right lists. */
  grouping: string[];
}

function labelList(text: string): string[] {
  return text
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
}

/**
 * The metric names, matcher labels and grouping labels of a PromQL expression (Grafana variables
 * allowed). Throws on what it can tell is broken: unbalanced brackets, unknown functions,
 * selectors without a metric name.
 */
function promqlRefs(source: string): QueryRefs {
  // string literals first: they may hold anything, Grafana variables included
  let text = source.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  text = text.replace(/#[^\n]*/g, "");
  // Grafana variables outside strings ($__rate_interval in a range, ${var}, [[var]])
  text = text.replace(/\$\{[^}]*\}|\$\w+|\[\[\w+\]\]/g, "1m");
  const refs: QueryRefs = { selectors: [], grouping: [] };
  const nextChar = (from: number) => {
    let j = from;
    while (j < text.length && /\s/.test(text[j]!)) j++;
    return j;
  };
  const closing = (open: number, char: string) => {
    const close = text.indexOf(char, open);
    if (close < 0) throw new Error(`unclosed "${text[open]}" in: ${source}`);
    return close;
  };
  let depth = 0;
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const ident = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(rest);
    if (ident) {
      const word = ident[0];
      i += word.length;
      const j = nextChar(i);
      if (GROUPING.has(word)) {
        if (text[j] === "(") {
          const close = closing(j, ")");
          refs.grouping.push(...labelList(text.slice(j + 1, close)));
          i = close + 1;
        }
        continue;
      }
      if (KEYWORDS.has(word.toLowerCase())) continue;
      if (text[j] === "(") {
        if (!FUNCTIONS.has(word) && !AGGREGATIONS.has(word)) throw new Error(`unknown function ${word}() in: ${source}`);
        continue;
      }
      if (AGGREGATIONS.has(word) && /^(by|without)\b/.test(text.slice(j))) continue;
      const selector: Selector = { metric: word, labels: [] };
      if (text[j] === "{") {
        const close = closing(j, "}");
        for (const matcher of labelList(text.slice(j + 1, close))) {
          const name = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*""$/.exec(matcher);
          if (!name) throw new Error(`bad label matcher "${matcher}" in: ${source}`);
          selector.labels.push(name[1]!);
        }
        i = close + 1;
      }
      if (selector.labels.includes("__name__")) throw new Error(`select metrics by name, not __name__, in: ${source}`);
      refs.selectors.push(selector);
      continue;
    }
    const char = text[i]!;
    if (char === "{") throw new Error(`selector without a metric name in: ${source}`);
    if (char === "[") {
      i = closing(i, "]") + 1;
      continue;
    }
    const number = /^(?:0x[0-9a-fA-F]+|(?:\d*\.)?\d+(?:[eE][+-]?\d+)?(?:(?:ms|[smhdwy])(?:\d+(?:ms|[smhdwy]))*)?)/.exec(rest);
    if (number && number[0] !== "") {
      i += number[0].length;
      continue;
    }
    if (char === "(") depth++;
    if (char === ")" && --depth < 0) throw new Error(`unbalanced ")" in: ${source}`);
    if (char === "]" || char === "}") throw new Error(`unbalanced "${char}" in: ${source}`);
    i++;
  }
  if (depth !== 0) throw new Error(`unbalanced "(" in: ${source}`);
  return refs;
}

/** A Grafana query variable's query, as PromQL selectors and the label it lists. */
function variableRefs(query: string): { refs: QueryRefs; label: string } {
  const withMetric = /^\s*label_values\(\s*(.+)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$/s.exec(query);
  if (withMetric) return { refs: promqlRefs(withMetric[1]!), label: withMetric[2]! };
  const result = /^\s*query_result\(\s*(.+)\s*\)\s*$/s.exec(query);
  if (result) return { refs: promqlRefs(result[1]!), label: "" };
  throw new Error(`unsupported variable query (use label_values(metric, label) or query_result(expr)): ${query}`);
}

/**
 * The family a sample name belongs to and the label names it has on the running server, or why the
 * server does not export it. `recorded` are recording-rule names (their labels are not checked).
 */
function resolveMetric(
  name: string,
  exposition: Exposition,
  recorded: ReadonlySet<string>,
): { family: string; labels: Set<string> | undefined } | { problem: string } {
  const made = MADE_BY_PROMETHEUS.get(name);
  if (made) return { family: name, labels: made };
  if (recorded.has(name)) return { family: name, labels: undefined };
  const suffix = /^(.*)_(bucket|sum|count)$/.exec(name);
  const family = exposition.types.has(name) ? name : suffix && exposition.types.has(suffix[1]!) ? suffix[1]! : undefined;
  if (!family) return { problem: `${name} is not exported by the server` };
  const type = exposition.types.get(family)!;
  if (family === name && (type === "histogram" || type === "summary")) {
    return { problem: `${name} is a ${type}: query ${name}_bucket, ${name}_sum or ${name}_count` };
  }
  if (family !== name && type !== "histogram" && type !== "summary") return { problem: `${name}: ${family} is a ${type}, it has no ${name}` };
  if (family !== name && suffix?.[2] === "bucket" && type !== "histogram") return { problem: `${name}: the summary ${family} has no buckets` };
  const labels = exposition.series.get(name);
  if (labels) return { family, labels: new Set([...labels, ...TARGET_LABELS]) };
  if (ONLY_ON_TROUBLE.has(family)) return { family, labels: undefined };
  return { problem: `${name} is declared by the server but had no series after a race and a war were played` };
}

/** Problems of one expression against the running server's metrics; also collects the families it uses. */
function checkRefs(where: string, refs: QueryRefs, exposition: Exposition, recorded: ReadonlySet<string>, used: Set<string>): string[] {
  const problems: string[] = [];
  const known = new Set<string>();
  let allKnown = refs.selectors.length > 0;
  for (const selector of refs.selectors) {
    const resolved = resolveMetric(selector.metric, exposition, recorded);
    if ("problem" in resolved) {
      problems.push(`${where}: ${resolved.problem}`);
      allKnown = false;
      continue;
    }
    used.add(resolved.family);
    if (!resolved.labels) {
      allKnown = false;
      continue;
    }
    for (const label of resolved.labels) known.add(label);
    for (const label of selector.labels) {
      if (!resolved.labels.has(label)) problems.push(`${where}: ${selector.metric} has no label "${label}"`);
    }
  }
  if (allKnown) {
    for (const label of refs.grouping) {
      if (!known.has(label)) problems.push(`${where}: groups by "${label}", which none of its metrics has`);
    }
  }
  return problems;
}

function checkExpr(where: string, expr: string, exposition: Exposition, recorded: ReadonlySet<string>, used: Set<string>): string[] {
  try {
    return checkRefs(where, promqlRefs(expr), exposition, recorded, used);
  } catch (error) {
    return [`${where}: ${(error as Error).message}`];
  }
}

// ------------------------------------------------------------------------------------------------
// The assets' shapes

interface Target {
  refId?: string;
  expr?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
  collapsed?: boolean;
  fieldConfig?: { defaults?: { unit?: string } };
}
interface Variable {
  name: string;
  type: string;
  query?: string | { query?: string };
  datasource?: { type?: string; uid?: string };
  multi?: boolean;
  includeAll?: boolean;
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: Variable[] };
  __inputs?: unknown;
}
interface Rule {
  alert?: string;
  record?: string;
  expr?: unknown;
  for?: unknown;
  labels?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}
interface RuleFile {
  groups?: Array<{ name?: string; rules?: Rule[] }>;
}
interface PrometheusConfig {
  global?: { scrape_interval?: string; evaluation_interval?: string };
  rule_files?: string[];
  scrape_configs?: Array<{ job_name?: string; metrics_path?: string; static_configs?: Array<{ targets?: string[] }> }>;
}
interface ComposeService {
  build?: string | { context?: string; dockerfile?: string };
  image?: string;
  command?: string | string[];
  environment?: Record<string, string> | string[];
  ports?: string[];
  volumes?: string[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  stop_grace_period?: string;
  healthcheck?: { test?: unknown };
  profiles?: string[];
}
interface Compose {
  name?: string;
  services?: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** Rows and the panels under each, in the order they read top-down. */
function rowsOf(dashboard: Dashboard): Array<{ row: Panel; panels: Panel[] }> {
  const ordered = [...dashboard.panels].sort((a, b) => a.gridPos.y - b.gridPos.y || a.gridPos.x - b.gridPos.x);
  const rows: Array<{ row: Panel; panels: Panel[] }> = [];
  for (const panel of ordered) {
    if (panel.type === "row") rows.push({ row: panel, panels: [...(panel.panels ?? [])] });
    else {
      assert.ok(rows.length > 0, `panel "${panel.title}" stands above the first row`);
      rows.at(-1)!.panels.push(panel);
    }
  }
  return rows;
}

function allPanels(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]).filter((panel) => panel.type !== "row");
}

function variableQuery(variable: Variable): string | undefined {
  return typeof variable.query === "string" ? variable.query : variable.query?.query;
}

/** Every query of the dashboard, where it is, and the rules' expressions. */
function dashboardQueries(dashboard: Dashboard): Array<{ where: string; expr: string; variableLabel?: string }> {
  const out: Array<{ where: string; expr: string; variableLabel?: string }> = [];
  for (const panel of allPanels(dashboard)) {
    for (const target of panel.targets ?? []) out.push({ where: `panel "${panel.title}" ${target.refId ?? ""}`.trim(), expr: target.expr ?? "" });
  }
  for (const variable of dashboard.templating.list) {
    const query = variableQuery(variable);
    if (variable.type === "query" && query !== undefined) out.push({ where: `variable $${variable.name}`, expr: query, variableLabel: variable.name });
  }
  return out;
}

function rulesOf(file: RuleFile): Rule[] {
  return (file.groups ?? []).flatMap((group) => group.rules ?? []);
}

/** Checks every dashboard query and rule expression; returns the problems and the families used. */
function checkAssets(dashboard: Dashboard, rules: Rule[], exposition: Exposition) {
  const recorded = new Set(rules.flatMap((rule) => (rule.record ? [rule.record] : [])));
  const usedByDashboard = new Set<string>();
  const usedByRules = new Set<string>();
  const problems: string[] = [];
  for (const { where, expr, variableLabel } of dashboardQueries(dashboard)) {
    if (variableLabel === undefined) {
      problems.push(...checkExpr(where, expr, exposition, recorded, usedByDashboard));
      continue;
    }
    try {
      const { refs, label } = variableRefs(expr);
      if (label) refs.grouping.push(label);
      problems.push(...checkRefs(where, refs, exposition, recorded, usedByDashboard));
    } catch (error) {
      problems.push(`${where}: ${(error as Error).message}`);
    }
  }
  for (const rule of rules) {
    problems.push(...checkExpr(`rule ${rule.alert ?? rule.record}`, String(rule.expr), exposition, recorded, usedByRules));
  }
  return { problems, usedByDashboard, usedByRules };
}

/** `${VAR:-default}` and `${VAR}` as docker compose reads them with nothing set. */
function composeValue(value: string): string {
  return value.replace(/\$\{(\w+)(?::?-([^}]*))?\}/g, (_all, _name: string, fallback?: string) => fallback ?? "");
}

function composeEnv(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  const pairs = Array.isArray(env) ? env.map((line) => line.split(/=(.*)/s, 2) as [string, string]) : Object.entries(env);
  return Object.fromEntries(pairs.map(([key, value]) => [key, composeValue(String(value ?? ""))]));
}

/** Bind mounts of a service: repository path → container path. */
function bindMounts(service: ComposeService): Array<{ source: string; target: string }> {
  return (service.volumes ?? [])
    .map((volume) => volume.split(":"))
    .filter(([source]) => source!.startsWith("./") || source!.startsWith("../") || source!.startsWith("/"))
    .map(([source, target]) => ({ source: path.normalize(source!), target: target! }));
}

/** The repository file or folder a container path comes from through a service's bind mounts. */
function hostPathOf(service: ComposeService, containerPath: string): string | undefined {
  for (const { source, target } of bindMounts(service)) {
    if (containerPath === target) return path.join(REPO_ROOT, source);
    if (containerPath.startsWith(`${target}/`)) return path.join(REPO_ROOT, source, containerPath.slice(target.length + 1));
  }
  return undefined;
}

/** A compose or Prometheus duration ("1m30s", "60s", "500ms") in milliseconds. */
function durationMs(text: string): number {
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  assert.ok(parts.length > 0 && parts.map((p) => p[0]).join("") === text, `duration ${text}`);
  return parts.reduce((sum, [, value, unit]) => sum + Number(value) * units[unit!]!, 0);
}

function hostPort(service: ComposeService, containerPort: number): number | undefined {
  for (const mapping of service.ports ?? []) {
    const parts = String(mapping).split(":");
    if (Number(parts.at(-1)) === containerPort) return Number(parts.at(-2));
  }
  return undefined;
}

function dependsOn(service: ComposeService): Record<string, string> {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, "service_started"]));
  return Object.fromEntries(Object.entries(deps).map(([name, dep]) => [name, dep.condition ?? "service_started"]));
}

// ------------------------------------------------------------------------------------------------
// Playing on the real server, so its counters and histograms have series

function drive(room: RaceRoom): () => void {
  const timer = setInterval(() => room.send("input", { throttle: 1, steer: 0, boost: true }), 50);
  return () => clearInterval(timer);
}

/** Two players race 50 m; one also sends a malformed input and an unknown message type. */
async function playRace(url: string): Promise<void> {
  const options = { trackLength: 50, maxPlayers: 2 };
  const alice = await (await player(url, "obs-alice")).joinRace(options);
  const bob = await (await player(url, "obs-bob")).joinRace(options);
  await alice.waitFor((s) => s.phase === "racing", 10_000);
  const refused = bob.next("error");
  bob.room.send("input", { throttle: 2, steer: 0, boost: false });
  bob.room.send("warp", { to: 50 });
  await refused;
  const stops = [drive(alice), drive(bob)];
  try {
    await Promise.all([alice.next("finished", 20_000), bob.next("finished", 20_000)]);
  } finally {
    stops.forEach((stop) => stop());
  }
  await Promise.all([alice.leave(), bob.leave()]);
}

/** One human and a bot play a 5 s war; the human walks once. */
async function playWar(url: string): Promise<void> {
  const war = await (await player(url, "obs-war")).joinWar({ maxPlayers: 2, timeLimit: 5 });
  const finished = war.next("finished", 20_000);
  await war.waitFor((s) => s.phase === "playing" && war.me !== undefined && war.me.zone !== NO_ZONE, 5_000);
  const here = war.state.zones[war.me!.zone]!;
  war.send("move", { to: [...here.neighbours][0]! });
  await finished;
  await war.leave();
}

/**
 * A client sending up to 200 inputs a second into a lobby (over MSG_RATE_PER_S, under Colyseus' own
 * cap of ten times that): refused with RATE_LIMITED, then cut off for flooding.
 */
async function flood(url: string): Promise<void> {
  const flooder = await (await player(url, "obs-flooder")).joinRace({ trackLength: 3000, maxPlayers: 2 });
  const closed = new Promise<number>((resolve) => flooder.onLeave(resolve));
  const timer = setInterval(() => {
    for (let i = 0; i < 2; i++) flooder.send("input", { throttle: 1, steer: 0, boost: false });
  }, 10);
  try {
    const code = await Promise.race([closed, wait(10_000).then(() => -1)]);
    assert.equal(code, 4002, "the flooder was disconnected");
  } finally {
    clearInterval(timer);
  }
}

/** A matchmaking request with invalid options (outcome "invalid"). */
async function refusedJoin(url: string): Promise<void> {
  const client = await player(url, "obs-picky");
  await assert.rejects(client.joinRace({ trackLength: 10 }));
}

async function scrape(url: string): Promise<string> {
  const res = await fetch(`${url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/plain/);
  return res.text();
}

// ------------------------------------------------------------------------------------------------
// promtool rule tests: synthetic nodes, one per kind of trouble, and the alerts that must fire

function seriesName(metric: string, labels: Record<string, string>): string {
  const all = { job: SCRAPE_JOB, ...labels };
  return `${metric}{${Object.entries(all)
    .map(([k, v]) => `${k}="${v}"`)
    .join(", ")}}`;
}

/** A classic histogram whose observations all fall in the bucket ending at `le` (of `bounds`). */
function histogram(metric: string, labels: Record<string, string>, bounds: number[], le: number, perMinute: number) {
  return [...bounds.map(String), "+Inf"].map((bound) => ({
    series: seriesName(`${metric}_bucket`, { ...labels, le: bound }),
    values: bound !== "+Inf" && Number(bound) < le ? "0x40" : `0+${perMinute}x40`,
  }));
}

function alertRuleTests(rulesFile: string) {
  const grows = (perMinute: number) => `0+${perMinute}x40`;
  const steady = (value: number) => `${value}x40`;
  const node = (instance: string, series: Array<[string, Record<string, string>, string]>, up = steady(1)) => [
    { series: seriesName("up", { instance }), values: up },
    ...series.map(([metric, labels, values]) => ({ series: seriesName(metric, { instance, ...labels }), values })),
  ];
  const tickBounds = [0.005, 0.025, 0.05];
  const latencyBounds = [0.05, 0.5, 1, 2.5];
  const input_series = [
    ...node("healthy", [
      ["arena_ticks_total", { mode: "race" }, grows(1200)],
      ["arena_ticks_late_total", { mode: "race" }, steady(0)],
      ["arena_nodejs_eventloop_lag_p99_seconds", {}, steady(0.004)],
      ["arena_process_start_time_seconds", {}, steady(1000)],
      ["arena_messages_received_total", { mode: "race", type: "input" }, grows(600)],
      ["arena_messages_rejected_total", { mode: "race", reason: "INVALID_MESSAGE" }, grows(3)],
      ["arena_matchmaking_requests_total", { method: "joinOrCreate", outcome: "ok" }, grows(60)],
      ["arena_http_requests_total", { route: "auth", status_class: "2xx" }, grows(30)],
      ["arena_results_write_failures_total", {}, steady(0)],
      ["arena_results_outbox_depth", {}, steady(0)],
      ["arena_redis_up", {}, steady(1)],
      ["arena_redis_outages_total", {}, steady(1)],
      ["arena_cluster_stalled_nodes", {}, steady(0)],
      ["arena_results_quarantine_depth", {}, steady(0)],
    ]),
    ...histogram("arena_tick_duration_seconds", { instance: "healthy", mode: "race" }, tickBounds, 0.005, 1200),
    ...histogram("arena_matchmaking_duration_seconds", { instance: "healthy", method: "joinOrCreate" }, latencyBounds, 0.05, 60),
    ...histogram("arena_results_write_duration_seconds", { instance: "healthy" }, latencyBounds, 0.05, 2),
    ...node("down", [], "1x5 0x35"),
    ...node("restarting", [["arena_process_start_time_seconds", {}, "100x5 200x5 300x5 400x25"]]),
    ...node("lagging", [["arena_nodejs_eventloop_lag_p99_seconds", {}, steady(0.08)]]),
    ...node("lag-ok", [["arena_nodejs_eventloop_lag_p99_seconds", {}, steady(0.04)]]),
    ...node("late", [
      ["arena_ticks_total", { mode: "war" }, grows(1200)],
      ["arena_ticks_late_total", { mode: "war" }, grows(24)],
    ]),
    ...node("late-ok", [
      ["arena_ticks_total", { mode: "war" }, grows(1200)],
      ["arena_ticks_late_total", { mode: "war" }, grows(6)],
    ]),
    ...node("slow-ticks", []),
    ...histogram("arena_tick_duration_seconds", { instance: "slow-ticks", mode: "race" }, tickBounds, 0.05, 1200),
    ...node("rejecting", [
      ["arena_messages_received_total", { mode: "race", type: "input" }, grows(600)],
      ["arena_messages_rejected_total", { mode: "race", reason: "INVALID_MESSAGE" }, grows(120)],
    ]),
    ...node("rejecting-few", [
      ["arena_messages_received_total", { mode: "race", type: "input" }, grows(20)],
      ["arena_messages_rejected_total", { mode: "race", reason: "RATE_LIMITED" }, grows(30)],
    ]),
    ...node("flooding", [["arena_clients_disconnected_total", { mode: "race", reason: "flooding" }, grows(1)]]),
    ...node("mm-errors", [
      ["arena_matchmaking_requests_total", { method: "joinOrCreate", outcome: "ok" }, grows(90)],
      ["arena_matchmaking_requests_total", { method: "joinOrCreate", outcome: "error" }, grows(5)],
      ["arena_matchmaking_requests_total", { method: "joinOrCreate", outcome: "unavailable" }, grows(5)],
    ]),
    ...node("mm-ok", [
      ["arena_matchmaking_requests_total", { method: "joinOrCreate", outcome: "ok" }, grows(99)],
      ["arena_matchmaking_requests_total", { method: "joinOrCreate", outcome: "error" }, grows(1)],
      ["arena_matchmaking_requests_total", { method: "joinOrCreate", outcome: "invalid" }, grows(20)],
    ]),
    ...node("mm-few", [
      ["arena_matchmaking_requests_total", { method: "joinOrCreate", outcome: "ok" }, grows(0.5)],
      ["arena_matchmaking_requests_total", { method: "joinOrCreate", outcome: "error" }, grows(0.5)],
    ]),
    ...node("mm-slow", []),
    ...histogram("arena_matchmaking_duration_seconds", { instance: "mm-slow", method: "joinOrCreate" }, latencyBounds, 2.5, 100),
    ...node("http-errors", [
      ["arena_http_requests_total", { route: "auth", status_class: "2xx" }, grows(90)],
      ["arena_http_requests_total", { route: "auth", status_class: "5xx" }, grows(10)],
      ["arena_http_requests_total", { route: "ready", status_class: "5xx" }, grows(100)],
    ]),
    ...node("write-failing", [["arena_results_write_failures_total", {}, grows(2)]]),
    ...node("outbox-growing", [["arena_results_outbox_depth", {}, grows(1)]]),
    ...node("outbox-large", [["arena_results_outbox_depth", {}, steady(150)]]),
    ...node("redis-down", [["arena_redis_up", {}, "1x5 0x35"]]),
    ...node("redis-flapping", [["arena_redis_outages_total", {}, grows(0.5)]]),
    ...node("redis-blip", [["arena_redis_outages_total", {}, "0x10 1x30"]]),
    ...node("peer-stalled", [["arena_cluster_stalled_nodes", {}, steady(1)]]),
    ...node("quarantined", [["arena_results_quarantine_depth", {}, steady(2)]]),
    ...node("writes-slow", []),
    ...histogram("arena_results_write_duration_seconds", { instance: "writes-slow" }, latencyBounds, 1, 10),
  ];
  const alert = (alertname: string, severity: string, labels: Record<string, string>, state = "firing") => ({
    labels: `ALERTS{${Object.entries({ alertname, alertstate: state, severity, ...labels })
      .map(([k, v]) => `${k}="${v}"`)
      .join(", ")}}`,
    value: 1,
  });
  const job = { job: SCRAPE_JOB };
  return {
    rule_files: [rulesFile],
    evaluation_interval: "1m",
    tests: [
      {
        interval: "1m",
        input_series,
        promql_expr_test: [
          {
            // down since 6m: pending through its `for: 1m`
            expr: 'ALERTS{alertname="ArenaNodeDown"}',
            eval_time: "6m",
            exp_samples: [alert("ArenaNodeDown", "critical", { ...job, instance: "down" }, "pending")],
          },
          {
            expr: 'ALERTS{alertstate="firing"}',
            eval_time: "25m",
            exp_samples: [
              alert("ArenaNodeDown", "critical", { ...job, instance: "down" }),
              alert("ArenaNodeRestarting", "warning", { ...job, instance: "restarting" }),
              alert("ArenaEventLoopLagHigh", "warning", { ...job, instance: "lagging" }),
              alert("ArenaLateTicks", "warning", { instance: "late", mode: "war" }),
              alert("ArenaTickDurationHigh", "warning", { instance: "slow-ticks", mode: "race" }),
              alert("ArenaMessageRejectionsHigh", "warning", { instance: "rejecting", mode: "race" }),
              alert("ArenaClientsFlooding", "info", { instance: "flooding", mode: "race" }),
              alert("ArenaMatchmakingErrors", "critical", { instance: "mm-errors" }),
              alert("ArenaMatchmakingSlow", "warning", { instance: "mm-slow" }),
              alert("ArenaHttpServerErrors", "warning", { instance: "http-errors" }),
              alert("ArenaResultWritesFailing", "warning", { instance: "write-failing" }),
              alert("ArenaResultsOutboxGrowing", "warning", { ...job, instance: "outbox-growing" }),
              alert("ArenaResultsOutboxLarge", "critical", { ...job, instance: "outbox-large" }),
              alert("ArenaResultWritesSlow", "warning", { instance: "writes-slow" }),
              alert("ArenaRedisUnreachable", "critical", { ...job, instance: "redis-down" }),
              alert("ArenaRedisFlapping", "warning", { ...job, instance: "redis-flapping" }),
              alert("ArenaPeerStalled", "warning", { instance: "peer-stalled" }),
              alert("ArenaResultsQuarantined", "warning", { ...job, instance: "quarantined" }),
            ],
          },
        ],
      },
      {
        // Prometheus lost every arena target
        interval: "1m",
        input_series: [{ series: seriesName("up", { job: "prometheus", instance: "localhost:9090" }), values: steady(1) }],
        promql_expr_test: [
          { expr: 'ALERTS{alertstate="firing"}', eval_time: "10m", exp_samples: [alert("ArenaNoTargets", "critical", job)] },
        ],
      },
    ],
  };
}

// ------------------------------------------------------------------------------------------------

function binaryOnPath(name: string): boolean {
  return !spawnSync(name, ["--version"], { stdio: "ignore" }).error;
}

describe("observability assets against a running server", () => {
  let server: ServerProcess;
  let exposition: Exposition;
  let dashboard: Dashboard;
  let alerts: RuleFile;

  before(async () => {
    dashboard = JSON.parse(await readAsset(ASSETS.dashboard)) as Dashboard;
    alerts = await readYaml<RuleFile>(ASSETS.alerts);
    // with Redis, as the nodes of docker-compose.yml run: the cluster metrics exist only then
    server = await startServer({ env: { WAR_LOBBY_TIMEOUT_MS: "300", POST_MATCH_LINGER_MS: "500", REDIS_URL: isolatedRedisUrl(12) } });
    await Promise.all([playRace(server.url), playWar(server.url), flood(server.url), refusedJoin(server.url)]);
    // the results writer confirms both matches in the background
    const deadline = Date.now() + 15_000;
    for (;;) {
      exposition = parseExposition(await scrape(server.url));
      const written = exposition.series.has("arena_results_written_total") && exposition.series.has("arena_results_write_duration_seconds_bucket");
      if (written || Date.now() > deadline) break;
      await wait(200);
    }
  });
  after(async () => {
    await server?.stop();
  });

  it("the server exports the metrics the brief names, with their prefix and labels", () => {
    for (const name of [
      "arena_process_cpu_seconds_total",
      "arena_process_start_time_seconds",
      "arena_process_resident_memory_bytes",
      "arena_nodejs_heap_size_used_bytes",
      "arena_nodejs_eventloop_lag_p99_seconds",
      "arena_nodejs_eventloop_lag_max_seconds",
    ]) {
      assert.ok(exposition.series.has(name), `${name} exported`);
    }
    assert.deepEqual([...exposition.series.get("arena_matches_ended_total")!].sort(), ["mode", "status"]);
    assert.deepEqual([...exposition.series.get("arena_tick_duration_seconds_bucket")!].sort(), ["le", "mode"]);
    assert.deepEqual([...exposition.series.get("arena_matchmaking_requests_total")!].sort(), ["method", "outcome"]);
    assert.deepEqual([...exposition.series.get("arena_clients_disconnected_total")!].sort(), ["mode", "reason"]);
    assert.equal(exposition.types.get("arena_ticks_late_total"), "counter", "late ticks are declared (a series appears with the first late tick)");
  });

  it("every metric in every dashboard query, variable query and alert expression is exported by the server", () => {
    const { problems } = checkAssets(dashboard, rulesOf(alerts), exposition);
    assert.deepEqual(problems, [], `queries naming what the server does not export:\n${problems.join("\n")}`);
  });

  it("the dashboard shows every application metric the server exports, and the alerts watch the key ones", () => {
    const { usedByDashboard, usedByRules } = checkAssets(dashboard, rulesOf(alerts), exposition);
    const application = [...exposition.types.keys()].filter((name) => !/^arena_(process|nodejs)_/.test(name));
    const missing = application.filter((name) => !usedByDashboard.has(name));
    assert.deepEqual(missing, [], `server metrics without a panel: ${missing.join(", ")}`);
    for (const name of [
      "up",
      "arena_ticks_late_total",
      "arena_ticks_total",
      "arena_tick_duration_seconds",
      "arena_nodejs_eventloop_lag_p99_seconds",
      "arena_results_write_failures_total",
      "arena_results_outbox_depth",
      "arena_matchmaking_requests_total",
      "arena_messages_rejected_total",
      "arena_redis_up",
      "arena_redis_outages_total",
      "arena_cluster_stalled_nodes",
      "arena_results_quarantine_depth",
    ]) {
      assert.ok(usedByRules.has(name), `an alert watches ${name}`);
    }
  });

  it("the check fails a query naming a metric the server does not export, or misusing one", () => {
    const broken: Dashboard = structuredClone(dashboard);
    const panel = allPanels(broken).find((p) => p.title.startsWith("Tick duration"))!;
    panel.targets!.push(
      { refId: "X1", expr: 'sum(rate(arena_ticks_skipped_total{instance=~"$instance"}[$__rate_interval]))' },
      { refId: "X2", expr: "rate(process_cpu_seconds_total[5m])" },
      { refId: "X3", expr: "histogram_quantile(0.99, sum by (le) (rate(arena_tick_duration_seconds[5m])))" },
      { refId: "X4", expr: 'sum by (mode) (arena_results_outbox_depth{mode="race"})' },
      { refId: "X5", expr: "sum(rates(arena_ticks_total[5m]))" },
      { refId: "X6", expr: "sum(rate(arena_ticks_total[5m])" },
      { refId: "X7", expr: 'arena_matches_started_total_bucket{le="1"}' },
    );
    broken.templating.list.push({ name: "zone", type: "query", query: "label_values(arena_zones_held, zone)" });
    const { problems } = checkAssets(broken, [{ alert: "Broken", expr: "arena_results_outbox_size > 100" }], exposition);
    const expected = [
      /X1: arena_ticks_skipped_total is not exported/,
      /X2: process_cpu_seconds_total is not exported/,
      /X3: arena_tick_duration_seconds is a histogram/,
      /X4: arena_results_outbox_depth has no label "mode"/,
      /X4: groups by "mode"/,
      /X5: unknown function rates\(\)/,
      /X6: unbalanced "\("/,
      /X7: arena_matches_started_total_bucket: arena_matches_started_total is a counter/,
      /variable \$zone: arena_zones_held is not exported/,
      /rule Broken: arena_results_outbox_size is not exported/,
    ];
    for (const pattern of expected) assert.ok(problems.some((p) => pattern.test(p)), `${pattern} in:\n${problems.join("\n")}`);
    assert.equal(problems.length, expected.length, problems.join("\n"));
  });

  it("the dashboard is importable as is: schema, variables, rows in order, a datasource, a unit and targets on every panel", () => {
    assert.ok(dashboard.schemaVersion >= 38);
    assert.ok(dashboard.uid && dashboard.title);
    const raw = JSON.stringify(dashboard);
    assert.ok(!raw.includes("DS_PROMETHEUS") && dashboard.__inputs === undefined, "no import-time ${DS_...} inputs");

    const variables = new Map(dashboard.templating.list.map((v) => [v.name, v]));
    const datasource = variables.get("datasource");
    assert.deepEqual([datasource?.type, variableQuery(datasource!)], ["datasource", "prometheus"]);
    const instance = variables.get("instance");
    assert.equal(instance?.type, "query");
    assert.equal(variableQuery(instance!), "label_values(arena_rooms_active, instance)");
    assert.equal(instance?.multi, true);
    const usesDatasourceVariable = (ds: { type?: string; uid?: string } | undefined) =>
      ds?.type === "prometheus" && (ds.uid === "${datasource}" || ds.uid === "$datasource");
    for (const variable of dashboard.templating.list.filter((v) => v.type === "query")) {
      assert.ok(usesDatasourceVariable(variable.datasource), `variable ${variable.name} queries the $datasource`);
      // a query object is rebuilt by Grafana's editor from its qryType fields; a string runs as written in every version
      assert.equal(typeof variable.query, "string", `variable ${variable.name}: the query is a plain string`);
    }

    const rows = rowsOf(dashboard);
    assert.deepEqual(rows.map((r) => r.row.title), ["Health", "Load", "Game", "Matchmaking", "Persistence"]);
    const ids = new Set<number>();
    const cells = new Set<string>();
    for (const { row, panels } of rows) {
      assert.ok(panels.length > 0, `row ${row.title} has panels`);
      for (const panel of [row, ...panels]) {
        assert.ok(!ids.has(panel.id), `panel id ${panel.id} is unique`);
        ids.add(panel.id);
        const { x, y, w, h } = panel.gridPos;
        assert.ok(x >= 0 && w > 0 && x + w <= 24 && h > 0, `"${panel.title}" fits the 24-column grid`);
        for (let cx = x; cx < x + w; cx++) {
          for (let cy = y; cy < y + h; cy++) {
            assert.ok(!cells.has(`${cx},${cy}`), `"${panel.title}" overlaps another panel`);
            cells.add(`${cx},${cy}`);
          }
        }
      }
      for (const panel of panels) {
        assert.ok(usesDatasourceVariable(panel.datasource), `"${panel.title}" uses the $datasource variable`);
        assert.ok(panel.targets && panel.targets.length > 0, `"${panel.title}" has targets`);
        assert.ok(panel.fieldConfig?.defaults?.unit, `"${panel.title}" has a unit`);
        const refIds = panel.targets.map((t) => t.refId);
        assert.equal(new Set(refIds).size, refIds.length, `"${panel.title}" refIds are unique`);
        for (const target of panel.targets) {
          assert.ok(target.expr && target.expr.trim() !== "", `"${panel.title}" ${target.refId} has an expression`);
          assert.ok(usesDatasourceVariable(target.datasource), `"${panel.title}" ${target.refId} uses the $datasource variable`);
        }
      }
    }

    // what each row must show, by metric
    const families = (panels: Panel[]) => {
      const used = new Set<string>();
      for (const panel of panels) for (const target of panel.targets ?? []) checkExpr(panel.title, target.expr ?? "", exposition, new Set(), used);
      return used;
    };
    const expectations: Record<string, string[]> = {
      Health: [
        "up",
        "arena_nodejs_eventloop_lag_p99_seconds",
        "arena_nodejs_eventloop_lag_max_seconds",
        "arena_process_cpu_seconds_total",
        "arena_process_resident_memory_bytes",
        "arena_nodejs_heap_size_used_bytes",
        "arena_process_start_time_seconds",
        "arena_redis_up",
        "arena_redis_outages_total",
        "arena_cluster_stalled_nodes",
      ],
      Load: ["arena_rooms_active", "arena_clients_connected", "arena_matchmaking_requests_total"],
      Game: [
        "arena_matches_started_total",
        "arena_matches_ended_total",
        "arena_match_duration_seconds",
        "arena_tick_duration_seconds",
        "arena_ticks_late_total",
        "arena_ticks_total",
        "arena_messages_received_total",
        "arena_messages_rejected_total",
        "arena_bytes_sent_total",
      ],
      Matchmaking: ["arena_matchmaking_requests_total", "arena_matchmaking_duration_seconds", "arena_matchmaking_refusals_total", "arena_cluster_repairs_total"],
      Persistence: [
        "arena_results_write_duration_seconds",
        "arena_results_written_total",
        "arena_results_write_failures_total",
        "arena_results_retries_total",
        "arena_results_outbox_depth",
        "arena_results_quarantine_depth",
        "arena_results_quarantined_total",
      ],
    };
    for (const { row, panels } of rows) {
      const used = families(panels);
      for (const name of expectations[row.title] ?? []) assert.ok(used.has(name), `row ${row.title} shows ${name}`);
    }
    const units = new Set(allPanels(dashboard).map((p) => p.fieldConfig?.defaults?.unit));
    for (const unit of ["s", "bytes", "Bps", "percentunit", "reqps", "ops"]) assert.ok(units.has(unit), `some panel is in ${unit}`);
    const late = allPanels(dashboard).find((p) => p.title === "Late ticks")!;
    assert.equal(late.fieldConfig?.defaults?.unit, "percentunit");
    assert.match(late.targets![0]!.expr!, /arena_ticks_late_total[\s\S]*\/\s*sum by \(mode\) \(rate\(arena_ticks_total/);
    const job = (expr: string) => [...expr.matchAll(/\bjob\s*=\s*"([^"]*)"/g)].map((m) => m[1]);
    for (const { expr } of dashboardQueries(dashboard)) for (const name of job(expr)) assert.equal(name, SCRAPE_JOB, `job label in ${expr}`);
  });

  it("alert rules: alert, expr, for, labels.severity and annotations on every rule; the required alerts exist", () => {
    assert.ok(Array.isArray(alerts.groups) && alerts.groups.length > 0);
    const names = new Set<string>();
    for (const group of alerts.groups) {
      assert.ok(group.name, "every group has a name");
      assert.ok(Array.isArray(group.rules) && group.rules.length > 0, `group ${group.name} has rules`);
      for (const rule of group.rules) {
        if (rule.record) continue;
        const name = rule.alert;
        assert.ok(name && /^[A-Z][A-Za-z0-9]+$/.test(name), `alert name ${name}`);
        assert.ok(!names.has(name), `alert ${name} is unique`);
        names.add(name);
        assert.ok(typeof rule.expr === "string" && rule.expr.trim() !== "", `${name}: expr`);
        assert.ok(typeof rule.for === "string" && /^(\d+(ms|[smhdwy]))+$/.test(rule.for), `${name}: for is a duration`);
        assert.ok(["critical", "warning", "info"].includes(String(rule.labels?.severity)), `${name}: labels.severity`);
        assert.ok(typeof rule.annotations?.summary === "string" && rule.annotations.summary !== "", `${name}: annotations.summary`);
        assert.ok(typeof rule.annotations?.description === "string" && rule.annotations.description !== "", `${name}: annotations.description`);
        for (const match of String(rule.expr).matchAll(/\bjob\s*=\s*"([^"]*)"/g)) assert.equal(match[1], SCRAPE_JOB, `${name}: job label`);
      }
    }
    const byName = new Map(rulesOf(alerts).map((rule) => [rule.alert, rule]));
    const expr = (name: string) => String(byName.get(name)?.expr ?? "").replace(/\s+/g, " ");
    assert.match(expr("ArenaNodeDown"), /up\{job="arena"\} == 0/);
    assert.match(expr("ArenaLateTicks"), /arena_ticks_late_total.*\/.*arena_ticks_total.*> 0\.01/);
    assert.equal(byName.get("ArenaLateTicks")?.for, "5m");
    assert.match(expr("ArenaTickDurationHigh"), /histogram_quantile\(0\.99,.*arena_tick_duration_seconds_bucket.*> 0\.04/);
    assert.match(expr("ArenaEventLoopLagHigh"), /arena_nodejs_eventloop_lag_p99_seconds.*> 0\.05/);
    assert.match(expr("ArenaResultWritesFailing"), /rate\(arena_results_write_failures_total.*> 0/);
    assert.equal(byName.get("ArenaResultWritesFailing")?.for, "5m");
    assert.match(expr("ArenaResultsOutboxGrowing"), /arena_results_outbox_depth.* > 0 and delta\(arena_results_outbox_depth.*\[10m\]\) > 0/);
    assert.match(expr("ArenaResultsOutboxLarge"), /arena_results_outbox_depth.* > 100/);
    assert.match(expr("ArenaMatchmakingErrors"), /outcome=~"error\|unavailable".*> 0\.05/);
    assert.match(expr("ArenaMessageRejectionsHigh"), /arena_messages_rejected_total/);
    assert.match(expr("ArenaRedisUnreachable"), /arena_redis_up\{job="arena"\} == 0/);
    assert.match(expr("ArenaResultsQuarantined"), /arena_results_quarantine_depth\{job="arena"\} > 0/);
  });

  it("prometheus.yml scrapes both nodes every 15 s at /metrics and loads the alert rules", async () => {
    const config = await readYaml<PrometheusConfig>(ASSETS.prometheus);
    assert.equal(config.global?.scrape_interval, "15s");
    const job = config.scrape_configs?.find((c) => c.job_name === SCRAPE_JOB);
    assert.ok(job, `a scrape job "${SCRAPE_JOB}"`);
    assert.equal(job.metrics_path ?? "/metrics", "/metrics");
    assert.deepEqual(job.static_configs?.flatMap((c) => c.targets ?? []).sort(), ["arena-1:2567", "arena-2:2567"]);
    const ruleFiles = (config.rule_files ?? []).map((file) => path.join(path.dirname(ASSETS.prometheus), file));
    assert.deepEqual(ruleFiles, [ASSETS.alerts], "rule_files (relative to prometheus.yml) is alerts.yml");
  });

  it("Grafana provisioning: the Prometheus datasource and the dashboard folder", async () => {
    const datasources = await readYaml<{ apiVersion?: number; datasources?: Array<Record<string, unknown>> }>(ASSETS.datasources);
    assert.equal(datasources.apiVersion, 1);
    const prometheus = datasources.datasources?.find((d) => d.type === "prometheus");
    assert.ok(prometheus, "a prometheus datasource");
    assert.equal(prometheus.uid, "prometheus");
    assert.equal(prometheus.url, "http://prometheus:9090");
    assert.equal(prometheus.isDefault, true, "the dashboard's $datasource variable defaults to it");

    const providers = await readYaml<{ apiVersion?: number; providers?: Array<{ type?: string; folder?: string; options?: { path?: string } }> }>(
      ASSETS.dashboardProviders,
    );
    assert.equal(providers.apiVersion, 1);
    const provider = providers.providers?.[0];
    assert.equal(provider?.type, "file");
    assert.ok(provider?.folder, "dashboards go to a folder");
    assert.ok(provider?.options?.path?.startsWith("/"), "an absolute path in the container");
  });

  it("docker-compose.yml: six services wired together, mounts pointing at the repository's files, node settings the server accepts", async () => {
    const compose = await readCompose();
    const services = compose.services ?? {};
    assert.deepEqual(Object.keys(services).sort(), ["arena-1", "arena-2", "grafana", "postgres", "prometheus", "redis"]);
    const service = (name: string) => services[name]!;

    // every bind mount's source exists in the repository
    for (const [name, svc] of Object.entries(services)) {
      for (const { source } of bindMounts(svc)) assert.ok(existsSync(path.join(REPO_ROOT, source)), `${name} mounts ${source}, which exists`);
      for (const volume of svc.volumes ?? []) {
        const source = volume.split(":")[0]!;
        if (!/^[./]/.test(source)) assert.ok(compose.volumes && source in compose.volumes, `${name}: named volume ${source} is declared`);
      }
    }

    // postgres and redis
    const pgEnv = composeEnv(service("postgres"));
    assert.match(service("postgres").image ?? "", /^postgres:1[56]\b/);
    assert.equal(pgEnv.POSTGRES_DB, "arena");
    assert.ok(service("postgres").healthcheck?.test, "postgres has a healthcheck");
    assert.match(service("redis").image ?? "", /^redis:7\b/);
    assert.ok(service("redis").healthcheck?.test, "redis has a healthcheck");

    // the game nodes
    const nodes = ["arena-1", "arena-2"].map((name) => ({ name, svc: service(name), env: composeEnv(service(name)) }));
    const secrets = new Set<string>();
    const publicAddresses = new Set<string>();
    for (const { name, svc, env } of nodes) {
      const build = typeof svc.build === "string" ? { context: svc.build } : svc.build;
      assert.ok(build, `${name} is built from the repository`);
      assert.ok(statSync(path.join(REPO_ROOT, build.context ?? ".", build.dockerfile ?? "Dockerfile")).isFile(), `${name}: the Dockerfile exists`);
      const config = loadConfig({ ...env, NODE_ENV: env.NODE_ENV ?? "production" });
      assert.equal(config.nodeId, name, `${name}: NODE_ID`);
      assert.equal(config.port, 2567, `${name}: listens on 2567, where prometheus.yml scrapes it`);
      const db = new URL(config.databaseUrl!);
      assert.deepEqual([db.hostname, db.pathname], ["postgres", `/${pgEnv.POSTGRES_DB}`], `${name}: DATABASE_URL points at the postgres service`);
      assert.equal(db.username, pgEnv.POSTGRES_USER ?? "postgres");
      assert.equal(decodeURIComponent(db.password), pgEnv.POSTGRES_PASSWORD ?? "");
      assert.equal(new URL(config.redisUrl!).hostname, "redis", `${name}: REDIS_URL points at the redis service`);
      assert.ok(config.auth.secret, `${name}: AUTH_SECRET set (production requires it)`);
      secrets.add(config.auth.secret);
      const address = config.publicAddress;
      assert.ok(address, `${name}: PUBLIC_ADDRESS set`);
      publicAddresses.add(address);
      assert.equal(Number(address.split(":")[1]), hostPort(svc, config.port), `${name}: PUBLIC_ADDRESS is the published host port`);
      assert.ok((svc.volumes ?? []).some((v) => v.endsWith(":/app/data")), `${name}: its own data volume at /app/data`);
      assert.deepEqual(dependsOn(svc), { postgres: "service_healthy", redis: "service_healthy" });
      // docker stops with SIGTERM, then SIGKILL after stop_grace_period (10 s by default)
      const graceMs = durationMs(svc.stop_grace_period ?? "10s");
      assert.ok(graceMs >= config.drainGraceMs + 10_000, `${name}: stop_grace_period covers the drain (DRAIN_GRACE_S) and the results flush (10 s)`);
    }
    assert.equal(secrets.size, 1, "both nodes share AUTH_SECRET");
    assert.equal(publicAddresses.size, 2, "each node has its own PUBLIC_ADDRESS");
    const dataVolumes = nodes.map(({ svc }) => (svc.volumes ?? []).find((v) => v.endsWith(":/app/data")));
    assert.notEqual(dataVolumes[0], dataVolumes[1], "a data volume each");

    // prometheus mounts the config and, where rule_files points, the alerts
    const prometheus = service("prometheus");
    const configPath = "/etc/prometheus/prometheus.yml";
    assert.ok(![prometheus.command ?? []].flat().some((arg) => arg.startsWith("--config.file=") && arg !== `--config.file=${configPath}`));
    assert.equal(hostPathOf(prometheus, configPath), path.join(REPO_ROOT, ASSETS.prometheus));
    const config = await readYaml<PrometheusConfig>(ASSETS.prometheus);
    for (const file of config.rule_files ?? []) {
      assert.equal(hostPathOf(prometheus, path.posix.join(path.posix.dirname(configPath), file)), path.join(REPO_ROOT, ASSETS.alerts));
    }
    for (const target of config.scrape_configs?.flatMap((c) => c.static_configs?.flatMap((s) => s.targets ?? []) ?? []) ?? []) {
      const host = target.split(":")[0]!;
      if (host !== "localhost") assert.ok(host in services, `scrape target ${target} is a compose service`);
    }

    // grafana mounts the provisioning and the dashboards where the provider looks
    const grafana = service("grafana");
    const provisioning = hostPathOf(grafana, "/etc/grafana/provisioning/datasources/prometheus.yml");
    assert.equal(provisioning, path.join(REPO_ROOT, ASSETS.datasources));
    assert.equal(hostPathOf(grafana, "/etc/grafana/provisioning/dashboards/arena.yml"), path.join(REPO_ROOT, ASSETS.dashboardProviders));
    const providers = await readYaml<{ providers?: Array<{ options?: { path?: string } }> }>(ASSETS.dashboardProviders);
    const dashboardsDir = hostPathOf(grafana, providers.providers![0]!.options!.path!);
    assert.equal(dashboardsDir && path.join(dashboardsDir, "arena.json"), path.join(REPO_ROOT, ASSETS.dashboard), "the provider path is the mounted dashboards folder");
    const grafanaEnv = composeEnv(grafana);
    const home = grafanaEnv.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH;
    if (home) assert.equal(hostPathOf(grafana, home), path.join(REPO_ROOT, ASSETS.dashboard), "the home dashboard is arena.json");
    assert.ok(grafanaEnv.GF_AUTH_ANONYMOUS_ENABLED === "true" || grafanaEnv.GF_SECURITY_ADMIN_PASSWORD, "anonymous viewing or a known admin login");
    const datasources = await readYaml<{ datasources?: Array<{ url?: string }> }>(ASSETS.datasources);
    const url = new URL(datasources.datasources![0]!.url!);
    assert.deepEqual([url.hostname, url.port], ["prometheus", "9090"], "the datasource URL is the prometheus service's port");
    assert.ok(Object.keys(dependsOn(grafana)).includes("prometheus"));
  });

  it("docker-compose.yml reads the same in Compose v1 and v2: no top-level name, images overridable with the official ones as defaults, Grafana in a profile", async () => {
    const raw = parseYaml(await readAsset(ASSETS.compose), { merge: true }) as Compose;
    assert.equal(raw.name, undefined, "Compose v1 refuses a top-level name");
    for (const [name, svc] of Object.entries(raw.services ?? {})) {
      if (svc.build) continue;
      const variable = `${name.toUpperCase()}_IMAGE`;
      assert.match(svc.image ?? "", new RegExp(`^\\$\\{${variable}:-[a-z][\\w./-]*:[\\w.-]+\\}$`), `${name}: image: \${${variable}:-<official image>}`);
    }
    assert.deepEqual(raw.services?.grafana?.profiles, ["grafana"]);
    const always = Object.entries(raw.services ?? {}).filter(([, svc]) => !svc.profiles);
    assert.deepEqual(always.map(([name]) => name).sort(), ["arena-1", "arena-2", "postgres", "prometheus", "redis"]);
  });

  describe("with Prometheus' own tools", { skip: binaryOnPath("promtool") ? false : "promtool is not installed (apt-get install prometheus)" }, () => {
    it("promtool accepts prometheus.yml and alerts.yml", () => {
      for (const args of [
        ["check", "config", ASSETS.prometheus],
        ["check", "rules", ASSETS.alerts],
      ]) {
        const run = spawnSync("promtool", args, { cwd: REPO_ROOT, encoding: "utf8" });
        assert.equal(run.status, 0, `promtool ${args.join(" ")}:\n${run.stdout}${run.stderr}`);
      }
    });

    it("promtool rule tests: each alert fires on its trouble past its threshold and for-duration, and nothing fires on a healthy node or just under a threshold", async () => {
      const dir = await tempDir("arena-promtool-");
      const file = path.join(dir, "alerts.test.yml");
      await writeFile(file, stringifyYaml(alertRuleTests(path.join(REPO_ROOT, ASSETS.alerts))));
      const run = spawnSync("promtool", ["test", "rules", file], { encoding: "utf8" });
      await rm(dir, { recursive: true, force: true });
      assert.equal(run.status, 0, `promtool test rules:\n${run.stdout}${run.stderr}`);
    });
  });

  describe("with a real Prometheus scraping the server", { skip: binaryOnPath("prometheus") ? false : "prometheus is not installed (apt-get install prometheus)" }, () => {
    let prometheus: ChildProcess | undefined;
    let dir = "";
    let api = "";
    const output: string[] = [];

    async function query(expr: string): Promise<{ status: string; error?: string; data?: { result: unknown[] } }> {
      const res = await fetch(`${api}/api/v1/query`, { method: "POST", body: new URLSearchParams({ query: expr }) });
      return (await res.json()) as { status: string; error?: string; data?: { result: unknown[] } };
    }

    before(async () => {
      dir = await tempDir("arena-prometheus-");
      const port = await freePort();
      api = `http://127.0.0.1:${port}`;
      const configFile = path.join(dir, "prometheus.yml");
      await writeFile(
        configFile,
        JSON.stringify({
          global: { scrape_interval: "1s", evaluation_interval: "1s" },
          rule_files: [path.join(REPO_ROOT, ASSETS.alerts)],
          scrape_configs: [{ job_name: SCRAPE_JOB, static_configs: [{ targets: [`127.0.0.1:${server.port}`] }] }],
        }),
      );
      prometheus = spawn(
        "prometheus",
        [`--config.file=${configFile}`, `--storage.tsdb.path=${path.join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`],
        { stdio: ["ignore", "pipe", "pipe"] },
      );
      prometheus.stdout!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
      prometheus.stderr!.on("data", (chunk: Buffer) => output.push(chunk.toString()));
      // a few scrapes, so rate() has two points, and a few rule evaluations
      const deadline = Date.now() + 30_000;
      for (;;) {
        const scraped = await query(`count_over_time(up{job="${SCRAPE_JOB}"}[1m])`).catch(() => undefined);
        const points = Number((scraped?.data?.result[0] as { value?: [number, string] } | undefined)?.value?.[1] ?? 0);
        if (points >= 4) break;
        assert.ok(Date.now() < deadline, `Prometheus did not scrape the server:\n${output.join("").slice(-3000)}`);
        await wait(250);
      }
    });
    after(async () => {
      if (prometheus && prometheus.exitCode === null) {
        const exited = new Promise((resolve) => prometheus!.once("exit", resolve));
        prometheus.kill("SIGTERM");
        await exited;
      }
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it("the node is up and the $instance variable lists it", async () => {
      const up = await query(`up{job="${SCRAPE_JOB}"}`);
      assert.equal((up.data?.result[0] as { value: [number, string] }).value[1], "1");
      const res = await fetch(`${api}/api/v1/label/instance/values?${new URLSearchParams({ "match[]": "arena_rooms_active" })}`);
      const values = ((await res.json()) as { data: string[] }).data;
      assert.deepEqual(values, [`127.0.0.1:${server.port}`]);
    });

    it("every dashboard query runs, and each returns series", async () => {
      const problems: string[] = [];
      for (const panel of allPanels(dashboard)) {
        for (const target of panel.targets ?? []) {
          const expr = (target.expr ?? "")
            .replaceAll("$__rate_interval", "10s")
            .replaceAll("$__range", "1m")
            .replaceAll("$__interval", "1s")
            .replace(/\$\{?(instance|mode)\}?/g, ".*");
          const result = await query(expr);
          if (result.status !== "success") problems.push(`"${panel.title}" ${target.refId}: ${result.error}`);
          // bytes per client divides by connected clients > 0: no series once the rooms are gone
          else if (result.data!.result.length === 0 && !/> 0\)/.test(expr)) problems.push(`"${panel.title}" ${target.refId}: no series`);
        }
      }
      assert.deepEqual(problems, []);
    });

    it("every alert rule evaluates without error, and none fires on the healthy node", async () => {
      const deadline = Date.now() + 10_000;
      for (;;) {
        const res = await fetch(`${api}/api/v1/rules`);
        const groups = ((await res.json()) as { data: { groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string; state?: string }> }> } })
          .data.groups;
        const rules = groups.flatMap((g) => g.rules);
        assert.equal(rules.length, rulesOf(alerts).length, "Prometheus loaded every rule");
        const unevaluated = rules.filter((r) => r.health === "unknown");
        if (unevaluated.length === 0 || Date.now() > deadline) {
          assert.deepEqual(rules.filter((r) => r.health !== "ok").map((r) => `${r.name}: ${r.health} ${r.lastError ?? ""}`), []);
          assert.deepEqual(rules.filter((r) => r.state === "firing").map((r) => r.name), []);
          return;
        }
        await wait(250);
      }
    });
  });
});
