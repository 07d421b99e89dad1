// The k6 script as k6 runs it: esbuild's bundle (npm run build -w loadtest), which must import
// nothing but k6's own modules, and a load player for every mode of the contract registry.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { MODE_NAMES } from "@arena/shared";
import { PLAYERS } from "../protocol/modes/index.js";

const bundle = readFileSync(fileURLToPath(new URL("../k6/dist/play.js", import.meta.url)), "utf8");

describe("k6 bundle", () => {
  it("imports only k6 modules: msgpackr and the contract's names are inside", () => {
    const imports = [...bundle.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]!);
    assert.ok(imports.length > 0);
    for (const name of imports) assert.match(name, /^k6(\/|$)/, `only k6 modules are imported, not ${name}`);
    assert.ok(!/\{\s*\.\.\./.test(bundle), "no object spread: older k6 cannot parse it");
    assert.ok(!/\?\.|\?\?/.test(bundle), "no optional chaining or ??");
  });

  it("has a load player for every mode", () => {
    assert.deepEqual(Object.keys(PLAYERS).sort(), [...MODE_NAMES].sort());
  });
});
