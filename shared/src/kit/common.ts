import * as z from "zod/mini";

/** A display name: trimmed, 1..24 printable characters, no control characters. */
export const DisplayName = z.string().check(
  z.trim(),
  z.minLength(1, "name must not be empty"),
  z.maxLength(24, "name must be at most 24 characters"),
  z.regex(/^[^\p{Cc}\p{Cf}]+$/u, "name must not contain control characters"),
);

/** Turns a zod error into one readable line, e.g. `throttle: Too big: expected number to be <=1`. */
export function describeIssues(error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> }): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.map(String).join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}

/** An integer in [min, max]. */
export const int = (min: number, max: number) => z.int().check(z.minimum(min), z.maximum(max));

/** An integer in [min, max] with a default when left out. */
export const intWithDefault = (min: number, max: number, fallback: number) => z._default(int(min, max), fallback);
