// Bundles each k6 script (k6/*.js) into k6/dist/: the protocol modules with msgpackr and the
// contract's names in one file, in a syntax older k6 versions parse (no object spread, no optional
// chaining). k6's own modules stay imports.
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const scripts = readdirSync(here("./k6")).filter((name) => name.endsWith(".js"));
const result = await build({
  entryPoints: scripts.map((name) => here(`./k6/${name}`)),
  outdir: here("./k6/dist"),
  bundle: true,
  format: "esm",
  platform: "neutral",
  mainFields: ["module", "main"],
  target: ["es2017"],
  external: ["k6", "k6/*"],
  logLevel: "warning",
  metafile: true,
});
const sizes = Object.entries(result.metafile.outputs).map(([file, out]) => `${file.split("/").pop()} ${Math.round(out.bytes / 1024)} KiB`);
console.log(`loadtest: k6 bundles ${sizes.join(", ")}`);
