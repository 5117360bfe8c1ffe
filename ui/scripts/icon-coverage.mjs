// Measures how many of the most-used sites that offer authenticator codes get a real logo from
// the icons Ninsho bundles (no pack, no own icon), through the window's own matcher
// (src/lib/icons.ts, loaded through Vite).
//
//   node scripts/icon-coverage.mjs PATH/TO/top-sites.json
//
// `top-sites.json` is the `top-sites` npm package's list (the 500 domains the most other sites
// link to, by Moz): `npm pack top-sites && tar xzf top-sites-*.tgz` gives package/top-sites.json.
// A site counts when one of its domains is a domain 2fa.directory lists for an issuer with
// authenticator codes (core/data/issuer-domains.tsv); the issuer's directory name is what the
// matcher is asked, as the site's own QR code usually names it.
import { readFileSync } from "node:fs";
import { createServer } from "vite";

const topPath = process.argv[2];
if (!topPath) {
  console.error("usage: node scripts/icon-coverage.mjs PATH/TO/top-sites.json");
  process.exit(2);
}
const top = JSON.parse(readFileSync(topPath, "utf8"));
const byDomain = new Map();
for (const line of readFileSync(new URL("../../core/data/issuer-domains.tsv", import.meta.url), "utf8").split("\n")) {
  if (!line || line.startsWith("#")) continue;
  const [name, domains] = line.split("\t");
  for (const d of (domains ?? "").split(" ")) if (d && !byDomain.has(d)) byDomain.set(d, name);
}
const server = await createServer({ server: { middlewareMode: true }, appType: "custom", logLevel: "error" });
try {
  const { iconFor } = await server.ssrLoadModule("/src/lib/icons.ts");
  const seen = new Set();
  const rows = [];
  for (const site of top) {
    const host = site.rootDomain.replace(/^www\./, "");
    const labels = host.split(".");
    let name;
    for (let i = 0; i < labels.length - 1 && !name; i++) name = byDomain.get(labels.slice(i).join("."));
    if (!name || seen.has(name)) continue;
    seen.add(name);
    const icon = iconFor(name, "");
    rows.push({ rank: site.rank, host, name, logo: icon.kind === "brand" ? icon.slug : null });
  }
  const withLogo = rows.filter((r) => r.logo).length;
  console.log(`${rows.length} issuers with authenticator codes among the top ${top.length} sites`);
  console.log(`${withLogo} show a real logo (${((100 * withLogo) / rows.length).toFixed(1)} %), ${rows.length - withLogo} a letter`);
  for (const r of rows) console.log(`${String(r.rank).padStart(4)}  ${r.logo ? "logo  " : "letter"}  ${r.name} (${r.host})${r.logo ? ` → ${r.logo}` : ""}`);
} finally {
  await server.close();
}
