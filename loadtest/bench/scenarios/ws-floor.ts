import { args, smoke, ramp, type StepResult } from "../harness.js";

/**
 * The floor: a plain `ws` server with no Colyseus (loadtest/bench/ws-floor-server.ts) carrying the
 * bare room's traffic (10 frames in, 20 out per client and second) and the race's (10 in, 10 out),
 * at the bare room's capacity and at twice it. Shows how much of a core the socket traffic alone
 * takes, i.e. what a 2x target leaves for Colyseus and the game.
 */
export async function wsFloor() {
  const steps = (args.get("floor-steps") ?? (smoke ? "40" : "1500,2000,3000,4000")).split(",").map(Number);
  const rows: StepResult[] = [];
  const cpuByClients: Record<string, Record<number, number>> = {};
  for (const outHz of [20, 10]) {
    const label = `ws floor, ${outHz} out/s`;
    const cpu: Record<number, number> = (cpuByClients[`serverCpuPctByClients${outHz}HzOut`] = {});
    // every step is measured on a fresh server (a floor is a curve, not a pass/fail ramp)
    for (const clients of steps) {
      for (const row of await ramp("ws-floor", "floor", [clients], {}, { FLOOR_OUT_HZ: String(outHz) }, label)) {
        rows.push(row);
        cpu[row.clients] = row.serverCpuPct;
      }
    }
  }
  return { steps: rows, summary: cpuByClients };
}
