// Drives Debian's Chromium, headless, with Ninsho's extension loaded unpacked and its native
// host installed in the profile; the toolbar button pressed with CDP Extensions.triggerAction
// (the gesture, granting activeTab). The pages and cases are site.mjs's.
//
// env: EXT (unpacked extension), PROFILE (user data dir, with NativeMessagingHosts/),
//      CERT, KEY (the server's throwaway certificate), PORT, SHOTS (optional).
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import puppeteer from "puppeteer-core";
import { cases, serve } from "./site.mjs";

const { EXT, PROFILE } = process.env;
const server = serve();
const browser = await puppeteer.launch({
  executablePath: "/usr/bin/chromium",
  pipe: true,
  userDataDir: PROFILE,
  enableExtensions: [EXT],
  args: [
    "--headless=new",
    "--no-sandbox",
    "--enable-unsafe-extension-debugging",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    `--host-resolver-rules=MAP * 127.0.0.1, EXCLUDE localhost`,
    "--ignore-certificate-errors",
    "--lang=en-US",
  ],
});
// The id the manifest's key pins: SHA-256 of the key, first 16 bytes, nibbles as a–p.
const manifest = JSON.parse(readFileSync(`${EXT}/manifest.json`, "utf8"));
const digest = createHash("sha256").update(Buffer.from(manifest.key, "base64")).digest();
const extId = Array.from(digest.subarray(0, 16))
  .flatMap((b) => [b >> 4, b & 15])
  .map((n) => String.fromCharCode(97 + n))
  .join("");
const cdp = await browser.target().createCDPSession();

const engine = {
  name: "chromium",
  async open(url) {
    const page = await browser.newPage();
    await page.goto(url, { waitUntil: "load" });
    await page.bringToFront();
    return page;
  },
  /** Presses the toolbar button on the tab showing `page`: the popup, as a page. */
  async press(page) {
    const { targetInfos } = await cdp.send("Target.getTargets", { filter: [{}] });
    const tab = targetInfos.find((t) => t.type === "tab" && t.url === page.url());
    const opened = browser.waitForTarget((t) => t.url().endsWith("/popup.html"), { timeout: 20000 });
    await cdp.send("Extensions.triggerAction", { id: extId, targetId: tab.targetId });
    return (await opened).asPage();
  },
  async said(popup) {
    try {
      const [state, text] = await popup.evaluate(() => [document.body.dataset.state, document.getElementById("status").textContent]);
      return { state, text };
    } catch {
      return { state: "closed", text: "" };
    }
  },
  async tick(popup, selector) {
    await popup.waitForSelector(selector);
    await popup.click(selector);
    await popup.waitForFunction((s) => document.querySelector(s).checked, {}, selector);
  },
  /** Picks `label` among the popup's choices with Tab and Return (the first has the focus). */
  async choose(popup, label) {
    await popup.waitForSelector("#choices button", { timeout: 20000 });
    const labels = await popup.$$eval("#choices button", (bs) => bs.map((b) => b.textContent));
    for (let i = 0; i < labels.indexOf(label); i++) await popup.keyboard.press("Tab");
    await popup.keyboard.press("Enter");
    return labels;
  },
  shot: (popup, path) => popup.screenshot({ path }),
};

console.log(JSON.stringify({ case: "load", extension: extId }));
await cases(engine);
await browser.close();
server.close();
