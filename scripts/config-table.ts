// Prints the README's configuration table from the zod schema in server/src/config.ts.
import { describeEnv } from "../server/src/config.js";

console.log("| Variable | Default | Meaning |");
console.log("|---|---|---|");
for (const { name, default: value, description } of describeEnv()) {
  console.log(`| \`${name}\` | ${value === "" ? "—" : `\`${value}\``} | ${description} |`);
}
