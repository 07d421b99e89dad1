import { args, smoke, sleep, mean, round, ServerUnderTest, LoadGenerator, RACE_OF_8 } from "../harness.js";

export async function bandwidth() {
  const server = await ServerUnderTest.start("arena");
  const load = new LoadGenerator({ url: server.url, mode: "race", options: { ...RACE_OF_8, trackLength: 4999 }, inputsPerSecond: 10, joinConcurrency: 8 });
  try {
    await load.scaleTo(7);
    // the eighth racer decodes the state like a real client, to size the JSON of the full state
    const { connect } = await import("@arena/client-sdk");
    const observer = connect(server.url);
    await observer.guest("observer");
    const race = await observer.joinRace({ ...RACE_OF_8, trackLength: 4999 });
    await race.waitFor((s) => s.phase === "racing", 10_000);
    const drive = setInterval(() => race.send("input", { throttle: 1, steer: 0, boost: false }), 100);
    const jsonSizes: number[] = [];
    race.onStateChange((state) => jsonSizes.push(JSON.stringify(state.toJSON()).length));
    const from = load.stats.length;
    const started = Date.now();
    await sleep(smoke ? 3000 : 10_000);
    const seconds = (Date.now() - started) / 1000;
    clearInterval(drive);
    const window = load.stats.slice(from);
    if (args.has("debug")) console.log(JSON.stringify(window.map((s) => [s.clients, s.framesIn, s.bytesIn, s.patches])));
    const clients = mean(window.map((s) => s.clients)) || 1;
    const bytesPerClientPerSec = window.reduce((a, s) => a + s.bytesIn, 0) / window.length / clients;
    const patchesPerSec = jsonSizes.length / seconds;
    const jsonBytesPerSec = mean(jsonSizes) * patchesPerSec;
    const summary = {
      racers: 8,
      patchesPerSec: round(patchesPerSec),
      bytesPerClientPerSec: Math.round(bytesPerClientPerSec),
      jsonFullStateBytes: Math.round(mean(jsonSizes)),
      jsonFullStateBytesPerSec: Math.round(jsonBytesPerSec),
      ratio: round(bytesPerClientPerSec / jsonBytesPerSec, 3),
    };
    console.log(JSON.stringify({ scenario: "bandwidth", ...summary }));
    await race.leave();
    return { summary };
  } finally {
    load.stop();
    await server.stop();
  }
}
