import { z } from "zod";

/** A display name: trimmed, 1..24 printable characters, no control characters. */
export const DisplayName = z
  .string()
  .trim()
  .min(1, "name must not be empty")
  .max(24, "name must be at most 24 characters")
  .regex(/^[^\p{Cc}\p{Cf}]+$/u, "name must not contain control characters");

/** The game modes, each a room name. */
export const GameMode = z.enum(["race", "quiz", "war"]);
export type GameMode = z.infer<typeof GameMode>;

/**
 * Parses unknown input with a zod schema and turns failures into one readable line,
 * e.g. `throttle: Too big: expected number to be <=1`.
 */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}
