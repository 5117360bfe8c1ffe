// Builds the offline issuer-icon set from the simple-icons package:
//   src/lib/generated/icon-index.json  normalized name -> [slug, hex]  (bundled, small)
//   public/icon-paths.json             slug -> SVG path data           (fetched once, when needed)
// Both are generated, not committed.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { normalize } from "../src/lib/normalize.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const data = JSON.parse(readFileSync(join(root, "node_modules/simple-icons/data/simple-icons.json"), "utf8"));
const index = {};
const paths = {};
for (const icon of data) {
  const svg = readFileSync(join(root, "node_modules/simple-icons/icons", `${icon.slug}.svg`), "utf8");
  const d = /<path d="([^"]+)"/.exec(svg)?.[1];
  if (!d) continue;
  paths[icon.slug] = d;
  const names = [icon.title, icon.slug, ...(icon.aliases?.aka ?? []), ...Object.values(icon.aliases?.loc ?? {})];
  for (const name of names) {
    const key = normalize(name);
    if (key && !(key in index)) index[key] = [icon.slug, icon.hex];
  }
}
mkdirSync(join(root, "src/lib/generated"), { recursive: true });
mkdirSync(join(root, "public"), { recursive: true });
writeFileSync(join(root, "src/lib/generated/icon-index.json"), JSON.stringify(index));
writeFileSync(join(root, "public/icon-paths.json"), JSON.stringify(paths));
console.log(`icons: ${Object.keys(paths).length} icons, ${Object.keys(index).length} names`);
