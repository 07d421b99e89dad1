// Loaded into a benchmarked server process with `node --import ./loadtest/bench/probe.mjs ...`.
// Every second it reports, over the IPC channel the benchmark opened, what the process itself
// measures: event-loop delay (p99, max), garbage-collection pauses, CPU time and memory. Nothing
// else in the server changes.
import { PerformanceObserver, monitorEventLoopDelay } from "node:perf_hooks";

if (typeof process.send === "function") {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  const gc = { ms: 0, maxMs: 0, major: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gc.ms += entry.duration;
      gc.maxMs = Math.max(gc.maxMs, entry.duration);
      // NODE_PERFORMANCE_GC_MAJOR = 4 (mark-compact)
      if (/** @type {{ detail?: { kind?: number } }} */ (entry).detail?.kind === 4) gc.major++;
    }
  }).observe({ entryTypes: ["gc"] });
  let cpu = process.cpuUsage();
  let at = performance.now();
  const cpuAtStart = process.cpuUsage();
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
      // cumulative CPU time and the wall clock it was read at, for exact windows across processes
      cpuTotalUs: (() => {
        const total = process.cpuUsage(cpuAtStart);
        return total.user + total.system;
      })(),
      at: Date.now(),
      gcMs: gc.ms,
      gcMaxMs: gc.maxMs,
      gcMajor: gc.major,
    });
    delay.reset();
    Object.assign(gc, { ms: 0, maxMs: 0, major: 0 });
    cpu = process.cpuUsage();
    at = now;
  }, 1000);
  timer.unref();
  // `{type: "memory"}` asks for the memory now, after a full collection when the process runs with
  // --expose-gc: the heap that is still referenced, not what the last collection left behind.
  process.on("message", (/** @type {{ type?: string }} */ message) => {
    if (message?.type !== "memory") return;
    const collect = /** @type {{ gc?: () => void }} */ (globalThis).gc;
    if (collect) collect();
    const memory = process.memoryUsage();
    process.send?.({
      type: "memory",
      gcForced: Boolean(collect),
      rssBytes: memory.rss,
      heapUsedBytes: memory.heapUsed,
      heapTotalBytes: memory.heapTotal,
      externalBytes: memory.external,
      arrayBuffersBytes: memory.arrayBuffers,
    });
  });
  // listening for messages keeps the IPC channel referenced: it must not keep the server alive
  /** @type {{ unref?: () => void } | undefined} */ (process.channel)?.unref?.();
  process.on("disconnect", () => process.exit(0));

  // A CPU profile of a window the benchmark chooses (the same sampler as --cpu-prof, without the
  // start and the shutdown): `profile-start`, then `profile-stop` with the file to write.
  /** @type {import("node:inspector").Session | undefined} */
  let session;
  process.on("message", async (/** @type {{ type?: string, file?: string }} */ message) => {
    if (message?.type === "profile-start") {
      const { Session } = await import("node:inspector");
      session = new Session();
      session.connect();
      session.post("Profiler.enable", () => session?.post("Profiler.start", () => process.send?.({ type: "profile-started" })));
    } else if (message?.type === "profile-stop" && session && message.file) {
      const file = message.file;
      session.post("Profiler.stop", async (error, result) => {
        const { writeFileSync } = await import("node:fs");
        if (!error) writeFileSync(file, JSON.stringify(result.profile));
        session?.disconnect();
        session = undefined;
        process.send?.({ type: "profile-written", file: error ? undefined : file });
      });
    }
  });
}
