import { args, smoke, ramp } from "../harness.js";

export async function quizRooms() {
  const roomSteps = (args.get("quiz-rooms") ?? (smoke ? "20,40" : "500,1000,1500,2000,2500,3000")).split(",").map(Number);
  const steps = await ramp("quiz-rooms", "quiz", roomSteps.map((r) => r * 2), { minPlayers: 2, maxPlayers: 2, rounds: 20 });
  const held = Math.max(0, ...steps.filter((s) => s.ok && s.errors === 0).map((s) => s.rooms));
  return { steps, summary: { liveQuizRoomsHeld: held } };
}
