/**
 * Where a CPU profile's time goes: reads a V8 `.cpuprofile` (node --cpu-prof, the harness's
 * `--profile`) and prints self time grouped by package (node_modules/<name>, arena's own
 * server/shared code, Node's internals, V8's pseudo-nodes: GC, idle, program) and the top
 * functions by self time.
 *
 *   npx tsx loadtest/bench/profile-summary.ts <file.cpuprofile> [--top=25] [--json]
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The package a script URL belongs to. */
export function moduleOf(url: string, functionName: string): string {
  if (url === "") return functionName.startsWith("(") ? functionName : "(native)";
  if (url.startsWith("node:")) return `node:${url.slice(5).split("/").slice(0, 2).join("/")}`;
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1]!;
  const arena = /\/(server|shared|client-sdk)\/(?:dist|src)\/(.+?)\/[^/]+$/.exec(url) ?? /\/(server|shared|client-sdk)\/(?:dist|src)\/()[^/]+$/.exec(url);
  if (arena) return `arena/${arena[1]}${arena[2] ? `/${arena[2]}` : ""}`;
  return url.replace(/^file:\/\//, "");
}

export function summarise(profile: CpuProfile, top: number) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  // timeDeltas[i] is the time before sample i; attributing it to sample i is V8's own convention
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const modules = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const module = moduleOf(url, functionName);
    modules.set(module, (modules.get(module) ?? 0) + us);
    const key = `${functionName || "(anonymous)"} ${module}:${lineNumber + 1}`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const share = (entries: Map<string, number>) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), pct: Math.round((us / total) * 1000) / 10 }));
  return { totalMs: Math.round(total / 1000), modules: share(modules), functions: share(functions) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: profile-summary.ts <file.cpuprofile> [--top=25] [--json]");
    process.exit(2);
  }
  const top = Number(process.argv.find((a) => a.startsWith("--top="))?.slice(6) ?? 25);
  const summary = summarise(JSON.parse(readFileSync(file, "utf8")) as CpuProfile, top);
  if (process.argv.includes("--json")) console.log(JSON.stringify(summary, null, 2));
  else {
    console.log(`total ${summary.totalMs} ms\n\n| package | self ms | % |\n|---|---|---|`);
    for (const m of summary.modules) console.log(`| ${m.name} | ${m.ms} | ${m.pct} |`);
    console.log(`\n| function | self ms | % |\n|---|---|---|`);
    for (const f of summary.functions) console.log(`| ${f.name} | ${f.ms} | ${f.pct} |`);
  }
}
