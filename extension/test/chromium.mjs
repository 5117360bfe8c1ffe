// Drives Debian's Chromium, headless, with Ninsho's extension loaded unpacked and its native
// host installed in the profile: real host names mapped to a local HTTPS server on loopback,
// the toolbar button pressed (CDP Extensions.triggerAction: the gesture, granting activeTab),
// and what the page's fields and the popup then hold printed as JSON lines, one per case.
// Run by tests/tests/browser.rs, which starts the app and answers its dialogs.
//
// env: EXT (unpacked extension), PROFILE (user data dir, with NativeMessagingHosts/),
//      CERT, KEY (the server's throwaway certificate), PORT, SHOTS (a folder for the popup's
//      screenshots, optional).
import https from "node:https";
import { readFileSync } from "node:fs";
import { domainToASCII } from "node:url";
import { createHash } from "node:crypto";
import puppeteer from "puppeteer-core";

const { EXT, PROFILE, CERT, KEY, SHOTS } = process.env;
const PORT = Number(process.env.PORT ?? 8443);

const pages = {
  "/login": `<!doctype html><title>Sign in</title><form><label for="otp">Authentication code</label>
    <input id="otp" name="otp" autocomplete="one-time-code" inputmode="numeric"><button>Verify</button></form>`,
  "/split": `<!doctype html><title>Code</title><form>${Array.from({ length: 6 }, (_, i) => `<input id="d${i}" maxlength="1" inputmode="numeric" style="width:2em">`).join("")}</form>
    <script>window.seen=[];document.querySelectorAll('input').forEach(i=>i.addEventListener('input',()=>seen.push(i.id)));</script>`,
  "/frame": `<!doctype html><title>Frame</title><iframe src="https://github.com:${PORT}/login" width="400" height="200"></iframe>`,
};

const server = https
  .createServer({ cert: readFileSync(CERT), key: readFileSync(KEY) }, (req, res) => {
    const body = pages[new URL(req.url, "https://x").pathname];
    res.writeHead(body ? 200 : 404, { "content-type": "text/html; charset=utf-8" });
    res.end(body ?? "not found");
  })
  .listen(PORT, "127.0.0.1");

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

/** Presses the toolbar button on the tab showing `page`; the popup's final words. */
async function press(page) {
  const { targetInfos } = await cdp.send("Target.getTargets", { filter: [{}] });
  const tab = targetInfos.find((t) => t.type === "tab" && t.url === page.url());
  const popupOpened = browser.waitForTarget((t) => t.url().endsWith("/popup.html"), { timeout: 20000 });
  await cdp.send("Extensions.triggerAction", { id: extId, targetId: tab.targetId });
  const popupTarget = await popupOpened;
  const popup = await popupTarget.asPage();
  return popup;
}

async function popupSays(popup, timeout = 90000) {
  const start = Date.now();
  while (Date.now() - start < timeout) {
    try {
      const state = await popup.evaluate(() => [document.body.dataset.state, document.getElementById("status").textContent]);
      if (state[0] === "done" || state[0] === "refused") return { state: state[0], text: state[1] };
    } catch {
      return { state: "closed", text: "" };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { state: "timeout", text: "" };
}

async function fieldValue(page, selector, timeout) {
  const start = Date.now();
  for (;;) {
    const values = await page.evaluate((s) => Array.from(document.querySelectorAll(s)).map((i) => i.value).join(""), selector);
    if (values || Date.now() - start > timeout) return values;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function run(name, url, selector, { frame = false, wait = 90000 } = {}) {
  const page = await browser.newPage();
  await page.goto(url, { waitUntil: "load" });
  await page.bringToFront();
  const t0 = Date.now();
  const popup = await press(page);
  const target = frame ? page.frames().find((f) => f !== page.mainFrame()) : page;
  const value = await fieldValue(target, selector, wait);
  const ms = Date.now() - t0;
  const said = await popupSays(popup, value ? 3000 : 90000);
  if (SHOTS && ["bound", "x-lookalike", "homograph"].includes(name) && said.state !== "closed") {
    await popup.screenshot({ path: `${SHOTS}/popup-${name}.png` }).catch(() => {});
  }
  const seen = await page.evaluate(() => window.seen ?? null);
  console.log(JSON.stringify({ case: name, url, value, ms, said, seen }));
  await page.close();
}

{
  console.log(JSON.stringify({ case: "load", extension: extId }));
  await run("bound", `https://github.com:${PORT}/login`, "#otp");
  await run("split", `https://gist.github.com:${PORT}/split`, "input", { wait: 20000 });
  await run("subdomain-lookalike", `https://github.com.evil.io:${PORT}/login`, "#otp", { wait: 3000 });
  await run("homograph", `https://${domainToASCII("gіthub.com")}:${PORT}/login`, "#otp", { wait: 3000 });
  await run("x-lookalike", `https://x-com-login.net:${PORT}/login`, "#otp", { wait: 3000 });
  await run("cross-site-frame", `https://evil.net:${PORT}/frame`, "#otp", { frame: true, wait: 3000 });
  await run("unbound", `https://example.com:${PORT}/login`, "#otp", { wait: 3000 });
}
await browser.close();
server.close();
