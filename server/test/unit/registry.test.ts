import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, it } from "node:test";
import { MODE_NAMES, MODES } from "@arena/shared";
import { describeEnv } from "../../src/config.js";
import { SERVER_MODES } from "../../src/modes/index.js";
import { MODE_TABLES } from "../../src/modes/tables.js";
import { REPO_ROOT } from "../support/server-process.js";

describe("the mode registries", () => {
  it("list the same modes in the contract, on the server, and each mode passes the contract suite", () => {
    assert.deepEqual(SERVER_MODES.map((m) => m.contract.name), MODE_NAMES);
    for (const mode of SERVER_MODES) {
      assert.equal(mode.contract, MODES[mode.contract.name as keyof typeof MODES], `${mode.contract.name}: the server runs the shared contract`);
      const suite = path.join(REPO_ROOT, "server/test/room", `${mode.contract.name}.contract.test.ts`);
      assert.ok(existsSync(suite), `${mode.contract.name} has a contract test (${suite})`);
    }
  });

  it("give every mode's variables and tables one owner", () => {
    const names = describeEnv().map((v) => v.name);
    assert.equal(new Set(names).size, names.length, "no variable declared twice");
    const tables = MODE_TABLES.map((t) => t.name);
    assert.equal(new Set(tables).size, tables.length, "no table claimed by two modes");
  });
});
