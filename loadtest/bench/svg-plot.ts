/**
 * Line charts as SVG, stacked in panels sharing one x axis: enough for a benchmark's time series
 * without a plotting dependency. `npx tsx loadtest/bench/svg-plot.ts [soak.json] [out.svg]` draws the
 * soak's samples (loadtest/results/soak.json → docs/bench/soak.svg).
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface Series {
  name: string;
  points: Array<[number, number]>;
}

export interface Panel {
  title: string;
  unit: string;
  series: Series[];
}

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];
const WIDTH = 900;
const PANEL_HEIGHT = 170;
const MARGIN = { left: 70, right: 170, top: 28, bottom: 26 };

const escape = (text: string) => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Round tick values (1, 2 or 5 times a power of ten) covering [min, max]. */
export function ticks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function panelSvg(panel: Panel, top: number, xMin: number, xMax: number, xLabel: string): string {
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const ys = panel.series.flatMap((s) => s.points.map(([, y]) => y));
  let yMin = Math.min(0, ...ys);
  let yMax = Math.max(...ys, 1e-9);
  if (yMax === yMin) yMax = yMin + 1;
  // headroom so that a flat line does not sit on the frame
  yMax += (yMax - yMin) * 0.08;
  yMin = Math.min(yMin, 0);
  const x = (v: number) => MARGIN.left + ((v - xMin) / (xMax - xMin || 1)) * plotWidth;
  const y = (v: number) => top + MARGIN.top + plotHeight - ((v - yMin) / (yMax - yMin)) * plotHeight;
  const parts: string[] = [];
  parts.push(`<text x="${MARGIN.left}" y="${top + 18}" font-size="13" font-weight="bold">${escape(panel.title)} (${escape(panel.unit)})</text>`);
  parts.push(`<rect x="${MARGIN.left}" y="${top + MARGIN.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#999"/>`);
  for (const t of ticks(yMin, yMax)) {
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y(t)}" y2="${y(t)}" stroke="#eee"/>`);
    parts.push(`<text x="${MARGIN.left - 6}" y="${y(t) + 4}" font-size="11" text-anchor="end">${t}</text>`);
  }
  for (const t of ticks(xMin, xMax, 8)) {
    parts.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${top + MARGIN.top + plotHeight}" y2="${top + MARGIN.top + plotHeight + 4}" stroke="#999"/>`);
    parts.push(`<text x="${x(t)}" y="${top + MARGIN.top + plotHeight + 16}" font-size="11" text-anchor="middle">${t}</text>`);
  }
  parts.push(`<text x="${MARGIN.left + plotWidth}" y="${top + PANEL_HEIGHT - 1}" font-size="10" text-anchor="end" fill="#666">${escape(xLabel)}</text>`);
  panel.series.forEach((series, i) => {
    const color = COLORS[i % COLORS.length]!;
    const d = series.points.map(([px, py], j) => `${j === 0 ? "M" : "L"}${x(px).toFixed(1)},${y(py).toFixed(1)}`).join(" ");
    parts.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.5"/>`);
    const ly = top + MARGIN.top + 12 + i * 16;
    parts.push(`<line x1="${WIDTH - MARGIN.right + 10}" x2="${WIDTH - MARGIN.right + 28}" y1="${ly - 4}" y2="${ly - 4}" stroke="${color}" stroke-width="2"/>`);
    parts.push(`<text x="${WIDTH - MARGIN.right + 32}" y="${ly}" font-size="11">${escape(series.name)}</text>`);
  });
  return parts.join("\n");
}

/** Panels stacked top to bottom on a shared x range. */
export function panelsSvg(title: string, panels: Panel[], xLabel: string): string {
  const xs = panels.flatMap((p) => p.series.flatMap((s) => s.points.map(([px]) => px)));
  const xMin = Math.min(...xs);
  const xMax = Math.max(...xs);
  const height = 30 + panels.length * PANEL_HEIGHT;
  const body = panels.map((panel, i) => panelSvg(panel, 30 + i * PANEL_HEIGHT, xMin, xMax, xLabel)).join("\n");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${WIDTH / 2}" y="20" font-size="15" text-anchor="middle" font-weight="bold">${escape(title)}</text>`,
    body,
    `</svg>`,
  ].join("\n");
}

/** The soak's samples as they are in soak.json. */
interface SoakFile {
  title: string;
  samples: Array<{
    minutes: number;
    nodes: Array<{ rssMb: number; heapUsedMb: number; lagP99Ms: number }>;
    redis: { usedMemoryMb: number; keys: number };
  }>;
}

export function soakSvg(soak: SoakFile): string {
  const nodes = soak.samples[0]?.nodes.length ?? 0;
  const perNode = (pick: (n: SoakFile["samples"][number]["nodes"][number]) => number): Series[] =>
    Array.from({ length: nodes }, (_, i) => ({ name: `node ${i + 1}`, points: soak.samples.map((s) => [s.minutes, pick(s.nodes[i]!)] as [number, number]) }));
  const redis = (name: string, pick: (s: SoakFile["samples"][number]) => number): Series => ({ name, points: soak.samples.map((s) => [s.minutes, pick(s)]) });
  return panelsSvg(
    soak.title,
    [
      { title: "RSS", unit: "MB", series: perNode((n) => n.rssMb) },
      { title: "Heap used after a full GC", unit: "MB", series: perNode((n) => n.heapUsedMb) },
      { title: "Event-loop lag p99 (worst second of each 10 s)", unit: "ms", series: perNode((n) => n.lagP99Ms) },
      { title: "Redis used_memory", unit: "MB", series: [redis("used_memory", (s) => s.redis.usedMemoryMb)] },
      { title: "Redis keys", unit: "count", series: [redis("keys", (s) => s.redis.keys)] },
    ],
    "minutes",
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const input = process.argv[2] ?? path.join(root, "loadtest/results/soak.json");
  const output = process.argv[3] ?? path.join(root, "docs/bench/soak.svg");
  mkdirSync(path.dirname(output), { recursive: true });
  writeFileSync(output, soakSvg(JSON.parse(readFileSync(input, "utf8")) as SoakFile));
  console.log(`written ${output}`);
}
