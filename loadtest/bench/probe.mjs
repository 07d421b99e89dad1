// Loaded into a benchmarked server process with `node --import ./loadtest/bench/probe.mjs ...`.
// Every second it reports, over the IPC channel the benchmark opened, what the process itself
// measures: event-loop delay (p99, max), CPU time and memory. Nothing else in the server changes.
import { monitorEventLoopDelay } from "node:perf_hooks";

if (typeof process.send === "function") {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  let cpu = process.cpuUsage();
  let at = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    const used = process.cpuUsage(cpu);
    const seconds = (now - at) / 1000;
    process.send?.({
      type: "probe",
      lagP99Ms: delay.percentile(99) / 1e6,
      lagMaxMs: delay.max / 1e6,
      cpuPercent: ((used.user + used.system) / 1e6 / seconds) * 100,
      rssBytes: process.memoryUsage().rss,
    });
    delay.reset();
    cpu = process.cpuUsage();
    at = now;
  }, 1000);
  timer.unref();
  process.on("disconnect", () => process.exit(0));
}
