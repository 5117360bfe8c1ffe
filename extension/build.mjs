// Builds the extension for Chromium-family browsers and for Firefox from one source:
// dist/chromium and dist/firefox (unpacked, to load for development and tests) and
// dist/ninsho-chromium.zip and dist/ninsho-firefox.xpi (for the stores).
import { build } from "esbuild";
import { cpSync, mkdirSync, rmSync, copyFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, "dist");
rmSync(dist, { recursive: true, force: true });
for (const [browser, archive] of [["chromium", "ninsho-chromium.zip"], ["firefox", "ninsho-firefox.xpi"]]) {
  const out = join(dist, browser);
  mkdirSync(out, { recursive: true });
  await build({
    entryPoints: [join(here, "src/popup.ts"), join(here, "src/background.ts")],
    bundle: true,
    format: "iife",
    target: browser === "firefox" ? "firefox128" : "chrome116",
    outdir: out,
    logLevel: "warning",
  });
  cpSync(join(here, "static"), out, { recursive: true });
  copyFileSync(join(here, `manifest.${browser}.json`), join(out, "manifest.json"));
  copyFileSync(join(here, "../icons/48x48.png"), join(out, "icon-48.png"));
  copyFileSync(join(here, "../icons/128x128.png"), join(out, "icon-128.png"));
  execFileSync("python3", ["-m", "zipfile", "-c", join(dist, archive), ...["manifest.json", "popup.html", "popup.css", "popup.js", "background.js", "_locales", "icon-48.png", "icon-128.png"]], { cwd: out });
}
console.log(`built ${dist}`);
