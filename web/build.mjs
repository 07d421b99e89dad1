// Bundles the browser client into dist/: src/main.ts (with @arena/client-sdk) → app.js, plus the static files of public/.
// Run after `tsc -b` (the SDK and the shared package are imported from their built dist/ folders).
import { build } from "esbuild";
import { cpSync, mkdirSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const outdir = here("./dist");

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
cpSync(here("./public"), outdir, { recursive: true });
const result = await build({
  entryPoints: [here("./src/main.ts")],
  bundle: true,
  platform: "browser",
  format: "esm",
  target: ["es2022"],
  minify: true,
  sourcemap: true,
  outfile: `${outdir}/app.js`,
  logLevel: "warning",
  metafile: true,
});
const bytes = Object.values(result.metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
console.log(`web: bundled into ${outdir} (${Math.round(bytes / 1024)} KiB with source map)`);
