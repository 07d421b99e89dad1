import { args, smoke, sleep, percentile, mean, round, ServerUnderTest, LoadGenerator, RACE_OF_8 } from "../harness.js";

/**
 * Join latency under a burst of joins into race rooms of 8 (rooms start racing as they fill, so the
 * server plays the races it is filling). Players arrive with a guest token (fetched beforehand):
 * the clock runs from matchmaking to the join acknowledgement on the WebSocket. Each variant runs on
 * a fresh server: all joins fired at once, then open-loop arrivals at fixed rates
 * (`--burst-rates=all,100,150`), which show the rate a node absorbs within the latency target.
 */
export async function joinBurst() {
  const joins = smoke ? 100 : 1000;
  const variants = (args.get("burst-rates") ?? (smoke ? "all,100" : "all,100,150,200,300")).split(",");
  const concurrency = Number(args.get("burst-concurrency") ?? joins);
  const rows = [];
  for (const variant of variants) {
    const rate = variant === "all" ? undefined : Number(variant);
    const server = await ServerUnderTest.start("arena");
    const load = new LoadGenerator({
      url: server.url,
      mode: "race",
      options: RACE_OF_8,
      inputsPerSecond: 10,
      joinConcurrency: concurrency,
      ...(rate ? { joinRatePerSecond: rate } : {}),
    });
    try {
      await load.prefetchTokens(joins);
      const started = Date.now();
      const fromProbe = server.probes.length;
      const fromStats = load.stats.length;
      await load.scaleTo(joins);
      const seconds = (Date.now() - started) / 1000;
      const serverCpuPct = Math.round(mean(server.probes.slice(fromProbe).map((p) => p.cpuPercent)));
      const loadCpuPct = Math.round(mean(load.stats.slice(fromStats).map((s) => s.loadCpuPct)));
      await sleep(1500);
      const latencies = load.stats.flatMap((s) => s.joinMs);
      const row = {
        joins: latencies.length,
        arrivals: rate ? `${rate}/s` : concurrency >= joins ? "all at once" : `${concurrency} in flight`,
        seconds: round(seconds, 2),
        joinsPerSec: Math.round(latencies.length / seconds),
        joinP50Ms: round(percentile(latencies, 50)),
        joinP95Ms: round(percentile(latencies, 95)),
        joinP99Ms: round(percentile(latencies, 99)),
        failures: load.stats.reduce((a, s) => a + s.joinFailures, 0),
        serverCpuPct,
        loadCpuPct,
      };
      console.log(JSON.stringify({ scenario: "join-burst", ...row }));
      rows.push(row);
    } finally {
      load.stop();
      await server.stop();
    }
  }
  return { summary: rows };
}
