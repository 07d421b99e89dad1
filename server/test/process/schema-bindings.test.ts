// `npm run bindings`: the schema state generated for Colyseus' other SDKs. The field list is read
// from the schema classes themselves at run time (their Symbol.metadata), so a field added to the
// contract and missed by the generator fails here.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { Schema } from "@colyseus/schema";
import * as contract from "@arena/shared";
import { REPO_ROOT, tempDir } from "../support/server-process.js";

type SchemaClass = (new () => Schema) & { [Symbol.metadata]?: Record<string, FieldMeta> };
interface FieldMeta {
  name: string;
  index: number;
  type: unknown;
}

function isSchemaClass(value: unknown): value is SchemaClass {
  return typeof value === "function" && value.prototype instanceof Schema;
}

/** Every schema class the contract exports, and every class their fields reach. */
function stateClasses(): Map<string, SchemaClass> {
  const found = new Map<string, SchemaClass>();
  const visit = (type: unknown) => {
    if (isSchemaClass(type)) {
      if (found.has(type.name)) return;
      found.set(type.name, type);
      for (const field of fields(type)) visit(field.type);
    } else if (type && typeof type === "object") {
      for (const inner of Object.values(type)) visit(inner);
    }
  };
  for (const value of Object.values(contract)) visit(value);
  return found;
}

function fields(type: SchemaClass): FieldMeta[] {
  return Object.values(type[Symbol.metadata] ?? {}).filter((f): f is FieldMeta => typeof f?.name === "string");
}

/** The kind schema-codegen writes in C#'s [Type(index, kind)]: primitives by name, children by container. */
function wireKind(type: unknown): string {
  if (typeof type === "string") return type;
  if (isSchemaClass(type)) return "ref";
  const keys = Object.keys(type as object);
  assert.equal(keys.length, 1, `field type ${JSON.stringify(type)}`);
  return keys[0]!;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("client bindings for Colyseus' other SDKs (npm run bindings)", () => {
  let out = "";
  const classes = stateClasses();

  before(async () => {
    out = await tempDir("arena-bindings-");
    const run = spawnSync(process.execPath, ["scripts/schema-bindings.mjs", "--out", out], { cwd: REPO_ROOT, encoding: "utf8" });
    assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
  });
  after(async () => {
    if (out) await rm(out, { recursive: true, force: true });
  });

  it("finds the state classes of every mode in the contract", () => {
    for (const root of ["RaceState", "WarState", "QuizState", "Racer", "WarZone", "QuizPlayer"]) assert.ok(classes.has(root), root);
  });

  it("generates a C# class with every field of every state class, at its index, with its wire type", () => {
    const generated = new Set(readdirSync(path.join(out, "csharp")));
    for (const [name, type] of classes) {
      assert.ok(generated.has(`${name}.cs`), `${name}.cs generated`);
      const source = readFileSync(path.join(out, "csharp", `${name}.cs`), "utf8");
      assert.match(source, new RegExp(`public partial class ${name} : global::Colyseus\\.Schema\\.Schema`));
      const meta = fields(type);
      assert.ok(meta.length > 0, `${name} has fields`);
      for (const field of meta) {
        const declaration = new RegExp(`\\[global::Colyseus\\.Schema\\.Type\\(${field.index}, "${escape(wireKind(field.type))}"[^\\n]*\\]\\s*public [^=\\n]+ ${escape(field.name)} =`);
        assert.match(source, declaration, `${name}.${field.name} (index ${field.index}, ${wireKind(field.type)}) in ${name}.cs`);
      }
      assert.equal(source.match(/\[global::Colyseus\.Schema\.Type\(/g)?.length, meta.length, `${name}.cs has no field the schema lacks`);
    }
  });

  for (const [language, extension] of [["haxe", "hx"], ["lua", "lua"], ["cpp", "hpp"]] as const) {
    it(`generates ${language} with every state class and field name`, () => {
      for (const [name, type] of classes) {
        const source = readFileSync(path.join(out, language, `${name}.${extension}`), "utf8");
        for (const field of fields(type)) assert.match(source, new RegExp(`\\b${escape(field.name)}\\b`), `${name}.${field.name} in ${language}`);
      }
    });
  }
});
