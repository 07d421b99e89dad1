// @arena/client-sdk as a game developer gets it: both packages packed with `npm pack`, installed
// from the tarballs into a scratch project outside the repository, the README's example compiled
// with `tsc --strict`, bundled for the browser with esbuild, and run against a real server.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import type { MatchResponse } from "@arena/shared";
import { player } from "../support/players.js";
import { REPO_ROOT, startServer, tempDir, type ServerProcess } from "../support/server-process.js";

const README_URL = "http://localhost:2567";
/** What arena adds to a game's browser bundle: its SDK, its contract and zod/mini. */
const ARENA_LIMIT_KB = 60;
/** The whole bundle; @colyseus/sdk with its schema decoder and msgpackr is about 165 KB of it by itself. */
const BUNDLE_LIMIT_KB = 230;
/** Packages that are Colyseus' own client, not arena's. */
const COLYSEUS_CLIENT = /^(@colyseus\/(sdk|schema|shared-types)|msgpackr|ws)$/;

interface PackResult {
  name: string;
  version: string;
  filename: string;
  files: Array<{ path: string }>;
}

interface Metafile {
  outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }>;
}
interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ metafile: Metafile }>;
}

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", maxBuffer: 64 << 20 });
  assert.equal(result.status, 0, `${command} ${args.join(" ")} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

/** The first ```ts block after `heading` in a Markdown file. */
function codeBlock(file: string, heading: string): string {
  const text = readFileSync(path.join(REPO_ROOT, file), "utf8");
  const start = text.indexOf(heading);
  assert.ok(start >= 0, `${file} has "${heading}"`);
  const block = /```ts\n([\s\S]*?)```/.exec(text.slice(start));
  assert.ok(block, `${file}: a ts code block after "${heading}"`);
  return block[1]!;
}

function versionOf(fromPackage: string, name: string): string {
  const require = createRequire(path.join(REPO_ROOT, fromPackage, "package.json"));
  return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")) as { version: string }).version;
}

/** node_modules/<package> (scoped or not) of a bundle input, or the input itself. */
function packageOf(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  return match ? match[1]! : input;
}

describe("@arena/client-sdk from its tarball in a game project", () => {
  const example = codeBlock("client-sdk/README.md", "## Example");
  let dir = "";
  let project = "";
  let packs: PackResult[] = [];

  before(async () => {
    dir = await tempDir("arena-sdk-package-");
    project = path.join(dir, "game");
    await mkdir(project);
    const json = run("npm", ["pack", "-w", "@arena/shared", "-w", "@arena/client-sdk", "--pack-destination", dir, "--json"], REPO_ROOT);
    packs = JSON.parse(json.slice(json.indexOf("["))) as PackResult[];
    writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "game", private: true, type: "module" }));
    const tarballs = packs.map((pack) => path.join(dir, pack.filename));
    const tools = [`typescript@${versionOf(".", "typescript")}`, `esbuild@${versionOf("web", "esbuild")}`];
    run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", ...tarballs, ...tools], project);
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("packs built ESM, declarations, a README and the license, and no server code", () => {
    assert.deepEqual(packs.map((p) => p.name).sort(), ["@arena/client-sdk", "@arena/shared"]);
    for (const pack of packs) {
      const files = pack.files.map((f) => f.path);
      for (const file of files) assert.match(file, /^(package\.json|README\.md|LICENSE|dist\/[\w/-]+\.(js|d\.ts))$/, `${pack.name}: ${file}`);
      for (const needed of ["README.md", "LICENSE", "dist/index.js", "dist/index.d.ts"]) assert.ok(files.includes(needed), `${pack.name} has ${needed}`);
    }
  });

  it("declares its dependencies: the SDK needs @arena/shared at exactly its version", () => {
    const manifest = (name: string) => JSON.parse(readFileSync(path.join(project, "node_modules", name, "package.json"), "utf8")) as Record<string, unknown>;
    const sdk = manifest("@arena/client-sdk");
    const shared = manifest("@arena/shared");
    for (const pkg of [sdk, shared]) {
      assert.equal(pkg.private, undefined, `${String(pkg.name)} is publishable`);
      assert.equal(pkg.license, "MIT");
      assert.equal(pkg.type, "module");
    }
    assert.deepEqual(Object.keys(sdk.dependencies as object).sort(), ["@arena/shared", "@colyseus/sdk"]);
    assert.equal((sdk.dependencies as Record<string, string>)["@arena/shared"], shared.version);
    assert.deepEqual(Object.keys(shared.dependencies as object).sort(), ["@colyseus/schema", "zod"]);
  });

  it("the README's example is the one in the repository README, and compiles with tsc --strict", () => {
    assert.equal(codeBlock("README.md", "## Playing from the SDK"), example, "README.md and client-sdk/README.md show the same example");
    writeFileSync(path.join(project, "example.ts"), example);
    // a wrong input must fail: the types come from the tarball, not `any`
    writeFileSync(path.join(project, "wrong.ts"), `${example}\nrace.send("input", { throttle: "full", steer: 2, boost: true });\n`);
    // skipLibCheck as in most projects: @colyseus/sdk's declarations need @types/node and a newer TypeScript
    const options = { strict: true, skipLibCheck: true, target: "es2022", module: "esnext", moduleResolution: "bundler", lib: ["es2022", "dom"], noEmit: true, types: [] };
    writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify({ compilerOptions: options, files: ["example.ts"] }));
    writeFileSync(path.join(project, "tsconfig.wrong.json"), JSON.stringify({ compilerOptions: options, files: ["wrong.ts"] }));
    const tsc = path.join(project, "node_modules", ".bin", "tsc");
    run(tsc, ["-p", "tsconfig.json"], project);
    const wrong = spawnSync(tsc, ["-p", "tsconfig.wrong.json"], { cwd: project, encoding: "utf8" });
    assert.notEqual(wrong.status, 0, "tsc accepted a wrong input");
    assert.match(wrong.stdout, /wrong\.ts.*error TS2322/s);
  });

  describe("bundled for the browser with esbuild", () => {
    let esbuild: Esbuild;
    let server: ServerProcess | undefined;
    const bundle = (entry: string, outfile: string) =>
      esbuild.build({
        entryPoints: [path.join(project, entry)],
        bundle: true,
        minify: true,
        format: "esm",
        platform: "browser",
        target: ["es2022"],
        outfile: path.join(project, outfile),
        metafile: true,
        logLevel: "warning",
      });

    before(async () => {
      esbuild = createRequire(path.join(project, "package.json"))("esbuild") as Esbuild;
    });
    after(async () => {
      await server?.stop();
    });

    it(`bundles the example minified (printed) with no server code: arena's part under ${ARENA_LIMIT_KB} KB, all under ${BUNDLE_LIMIT_KB} KB`, async () => {
      const { metafile } = await bundle("example.ts", "example.js");
      const output = Object.values(metafile.outputs)[0]!;
      const byPackage = new Map<string, number>();
      for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
        byPackage.set(packageOf(input), (byPackage.get(packageOf(input)) ?? 0) + bytesInOutput);
      }
      const top = [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 8);
      console.log(`# SDK example bundle: ${(output.bytes / 1024).toFixed(1)} KB minified; largest inputs: ${top.map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(1)} KB`).join(", ")}`);
      const arena = [...byPackage].filter(([name]) => !COLYSEUS_CLIENT.test(name)).reduce((sum, [, bytes]) => sum + bytes, 0) / 1024;
      console.log(`# of which arena (SDK, contract, zod/mini): ${arena.toFixed(1)} KB`);
      assert.ok(arena < ARENA_LIMIT_KB, `arena's part: ${arena.toFixed(1)} KB`);
      assert.ok(output.bytes / 1024 < BUNDLE_LIMIT_KB, `${(output.bytes / 1024).toFixed(1)} KB`);
      for (const name of byPackage.keys()) assert.doesNotMatch(name, /^@colyseus\/(core|ws-transport)$|^(express|pg|postgres)$/, `server package ${name} in the bundle`);
    });

    it("plays a race against a running server with the bundled example", async () => {
      server = await startServer();
      assert.equal(example.split(README_URL).length, 2, `the example connects to ${README_URL} once`);
      writeFileSync(path.join(project, "play.ts"), example.replace(README_URL, server.url));
      await bundle("play.ts", "play.mjs");
      // the browser build uses the global WebSocket, which Node 20 has only behind this flag
      const child = spawn(process.execPath, ["--experimental-websocket", path.join(project, "play.mjs")], { cwd: project, stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once("close", resolve));

      const rival = await player(server.url, "rival");
      const race = await rival.joinRace({ trackLength: 300, maxPlayers: 2 });
      const drive = setInterval(() => race.send("input", { throttle: 1, steer: 0, boost: false }), 100);
      let timer: NodeJS.Timeout | undefined;
      try {
        const code = await Promise.race([exited, new Promise<string>((resolve) => (timer = setTimeout(() => resolve("timeout"), 90_000)))]);
        if (code === "timeout") child.kill("SIGKILL");
        assert.equal(code, 0, `the example exited with ${code}:\n${output}`);
      } finally {
        clearTimeout(timer);
        clearInterval(drive);
        await race.leave();
      }
      const matchId = /^([0-9a-f-]{36}) /m.exec(output)?.[1];
      assert.ok(matchId, `the example printed its matchId:\n${output}`);
      let stored: Response | undefined;
      for (let i = 0; i < 50 && stored?.status !== 200; i++) {
        if (i > 0) await new Promise((resolve) => setTimeout(resolve, 200));
        stored = await fetch(`${server.url}/matches/${matchId}`);
      }
      assert.equal(stored?.status, 200);
      const match = (await stored!.json()) as MatchResponse;
      assert.deepEqual(match.participants.map((p) => p.displayName).sort(), ["ada", "rival"]);
    });
  });
});
