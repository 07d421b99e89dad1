// handleSummary: the whole k6 summary as JSON in a file, and a short text of what matters on stdout
// (written here rather than with k6's remote text-summary library, so scripts run offline).
/** @import { Mode } from "../../protocol/types.js" */
import { envString } from "./config.js";

/**
 * The part of k6's summary data read here.
 * @typedef {{ type?: string, values?: { [stat: string]: number }, thresholds?: { [expression: string]: { ok: boolean } } }} SummaryMetric
 * @typedef {{ metrics?: { [name: string]: SummaryMetric }, state?: { testRunDurationMs?: number } }} SummaryData
 */

/**
 * Where the JSON summary goes. k6 opens handleSummary's paths relative to the working directory, so
 * the default is made absolute from this module's own location (import.meta.resolve, k6 v0.53+):
 * loadtest/results/ of this checkout, from whatever folder k6 runs. SUMMARY_PATH is taken as given.
 * @param {Mode} mode
 */
export function summaryPath(mode) {
  const given = envString("SUMMARY_PATH", "");
  if (given) return given;
  // k6 before v0.53 has no import.meta.resolve: there the path is the working directory's (run from the repository root)
  if (typeof import.meta.resolve !== "function") return `loadtest/results/${mode}-summary.json`;
  const url = import.meta.resolve(`../../results/${mode}-summary.json`);
  return decodeURIComponent(url.replace(/^file:\/\//, "")).replace(/^\/([A-Za-z]:\/)/, "$1");
}

/**
 * @param {Mode} mode
 * @returns {(data: SummaryData) => { [output: string]: string }}
 */
export function summaryHandler(mode) {
  const path = summaryPath(mode);
  return (data) => ({
    [path]: JSON.stringify(data, null, 2),
    // k6 writes the file after this text is out (and says so if it cannot): name it, claim nothing
    stdout: `${summaryText(mode, data)}\nJSON summary: ${path}${/^([A-Za-z]:)?[\\/]/.test(path) ? "" : " (relative to the working directory)"}\n`,
  });
}

const MAIN = ["arena_join_ms", "arena_matchmake_ms", "arena_rtt_ms", "arena_errors", "checks", "arena_patches", "arena_bytes_received", "arena_matches_finished"];

/**
 * @param {Mode} mode
 * @param {SummaryData} data
 */
export function summaryText(mode, data) {
  const metrics = data.metrics ?? {};
  const seconds = (data.state?.testRunDurationMs ?? 0) / 1000;
  const lines = [`arena ${mode} load test, ${seconds.toFixed(0)} s`, "", "thresholds:"];
  for (const [name, metric] of Object.entries(metrics)) {
    for (const [expression, result] of Object.entries(metric.thresholds ?? {})) {
      // the always-true thresholds only exist to list tagged counts
      if (/>=0$/.test(expression.replace(/\s/g, ""))) continue;
      lines.push(`  ${result.ok ? "✓" : "✗"} ${name} ${expression}`);
    }
  }
  lines.push("", "metrics:");
  for (const name of MAIN) {
    const metric = metrics[name];
    if (metric) lines.push(`  ${name.padEnd(24)} ${describe(name, metric, seconds)}`);
  }
  const seen = (/** @type {SummaryMetric} */ metric) => (metric.values?.count ?? 0) + (metric.values?.passes ?? 0) + (metric.values?.fails ?? 0) > 0;
  const tagged = Object.entries(metrics).filter(([name, metric]) => name.includes("{") && seen(metric));
  const taggedLines = tagged.map(([name, metric]) => `  ${name.padEnd(44)} ${describe(name, metric, seconds)}`);
  if (taggedLines.length > 0) lines.push("", "by tag:", ...taggedLines);
  return lines.join("\n");
}

/**
 * @param {string} name
 * @param {SummaryMetric} metric
 * @param {number} seconds
 */
function describe(name, metric, seconds) {
  const v = metric.values ?? {};
  if (metric.type === "trend") {
    return ["avg", "med", "p(95)", "p(99)", "max"].map((stat) => `${stat}=${(v[stat] ?? 0).toFixed(1)}ms`).join(" ") + ` n=${v.count ?? "?"}`;
  }
  if (metric.type === "rate") {
    const passes = v.passes ?? 0;
    const total = passes + (v.fails ?? 0);
    return `${((v.rate ?? 0) * 100).toFixed(2)}% (${passes} of ${total})`;
  }
  if (metric.type === "counter") {
    const count = v.count ?? 0;
    const perSecond = seconds > 0 ? ` (${(count / seconds).toFixed(1)}/s)` : "";
    return name.startsWith("arena_bytes") ? `${(count / 1048576).toFixed(2)} MiB${perSecond}` : `${count}${perSecond}`;
  }
  return JSON.stringify(v);
}
