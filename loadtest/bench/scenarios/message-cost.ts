/**
 * What one message costs the server: CPU per input message received and per frame (state patch)
 * sent, for arena's race, the bare Colyseus room and the plain `ws` floor, in one run. Each target
 * carries the same clients in rooms of 8 at several input rates (patches fixed at 10 a second, the
 * race's rate) and at several patch rates (inputs fixed at 10 a second); the slope of server CPU
 * over messages per second is the cost of one message, the intercept what ticks and connected but
 * silent clients cost. Far below capacity on purpose: a slope measured near saturation would carry
 * the lag, not the work.
 */
import type { BenchMode, WorkerConfig } from "../load-worker.js";
import { LoadGenerator, RACE_OF_8, ServerUnderTest, args, measure, round, smoke, type ServerKind, type StepResult } from "../harness.js";

interface CostTarget {
  label: string;
  kind: ServerKind;
  mode: BenchMode;
  options: WorkerConfig["options"];
  /** Server environment for a patch (outgoing frame) rate per client. */
  outEnv: (hz: number) => Record<string, string>;
}

const TARGETS: CostTarget[] = [
  { label: "ws floor", kind: "floor", mode: "floor", options: {}, outEnv: (hz) => ({ FLOOR_OUT_HZ: String(hz) }) },
  { label: "bare room", kind: "bare", mode: "bare", options: {}, outEnv: (hz) => ({ BARE_PATCH_HZ: String(hz) }) },
  { label: "race", kind: "arena", mode: "race", options: RACE_OF_8, outEnv: (hz) => ({ PATCH_RATE_HZ: String(hz) }) },
];

export interface CostPoint extends StepResult {
  inputHz: number;
  outHz: number;
}

/** One measured point on a fresh server: `clients` in rooms of 8 at the given rates. */
async function point(target: CostTarget, clients: number, inputHz: number, outHz: number): Promise<CostPoint> {
  const server = await ServerUnderTest.start(target.kind, target.outEnv(outHz));
  const load = new LoadGenerator({
    url: server.url,
    mode: target.mode,
    options: target.options,
    inputsPerSecond: inputHz,
    playerOptions: { inputRatePerS: inputHz },
    joinConcurrency: 40,
  });
  try {
    const joinFrom = load.stats.length;
    await load.scaleTo(clients);
    const row = await measure("message-cost", `${target.label} ${inputHz} in/${outHz} out`, server, load, joinFrom);
    return { ...row, inputHz, outHz };
  } finally {
    load.stop();
    await server.stop();
  }
}

/** Least-squares line through (x, y): slope and intercept. */
export function fitLine(points: Array<[number, number]>): { slope: number; intercept: number } {
  const n = points.length;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const slope = sxx > 0 ? sxy / sxx : 0;
  return { slope, intercept: my - slope * mx };
}

const cpuMicros = (row: StepResult) => row.serverCpuUsPerSec;

export async function messageCost() {
  const clients = Number(args.get("cost-clients") ?? (smoke ? 40 : 600));
  const inputRates = (args.get("cost-input-hz") ?? (smoke ? "5,10" : "5,10,20")).split(",").map(Number);
  const outRates = (args.get("cost-out-hz") ?? (smoke ? "10" : "5,10,20")).split(",").map(Number);
  const targets = (args.get("cost-targets") ?? TARGETS.map((t) => t.label).join(",")).split(",");
  const rows: CostPoint[] = [];
  const summary: Record<string, Record<string, number>> = {};
  for (const target of TARGETS.filter((t) => targets.includes(t.label))) {
    const mine: CostPoint[] = [];
    for (const inputHz of inputRates) mine.push(await point(target, clients, inputHz, 10));
    for (const outHz of outRates.filter((hz) => hz !== 10)) mine.push(await point(target, clients, 10, outHz));
    rows.push(...mine);
    const byInput = fitLine(mine.filter((r) => r.outHz === 10).map((r) => [r.msgsInPerSec, cpuMicros(r)]));
    const byOut = fitLine(mine.filter((r) => r.inputHz === 10).map((r) => [r.msgsOutPerSec, cpuMicros(r)]));
    const base = mine.find((r) => r.inputHz === 10 && r.outHz === 10) ?? mine[0]!;
    summary[target.label] = {
      clients: base.clients,
      usPerInput: round(byInput.slope, 2),
      usPerFrameOut: round(byOut.slope, 2),
      // what the clients cost at 10 in / 10 out a second, per client and second
      usPerClientSecond: round(cpuMicros(base) / Math.max(1, base.clients), 1),
    };
  }
  const race = summary.race;
  const ratio = (other: string, key: string) => (race && summary[other]?.[key] ? round(race[key]! / summary[other]![key]!, 2) : null);
  const ratios = {
    raceVsBarePerInput: ratio("bare room", "usPerInput"),
    raceVsFloorPerInput: ratio("ws floor", "usPerInput"),
    raceVsBarePerFrameOut: ratio("bare room", "usPerFrameOut"),
    raceVsFloorPerFrameOut: ratio("ws floor", "usPerFrameOut"),
    raceVsBarePerClient: ratio("bare room", "usPerClientSecond"),
    raceVsFloorPerClient: ratio("ws floor", "usPerClientSecond"),
  };
  return { steps: rows, summary: { ...summary, ratios } };
}
