// The pages and the cases both browsers' drivers run (chromium.mjs, firefox.mjs): a local
// HTTPS server on loopback for real host names the browser maps there, a login page, six
// boxes, a form that records a submit, a page framing another site's login, and look-alikes.
// Each case prints one JSON line: what the field then holds, the popup's words, the time from
// the gesture to the filled field. tests/tests/browser.rs starts the app and judges the lines.
import https from "node:https";
import { readFileSync } from "node:fs";
import { domainToASCII } from "node:url";

const { CERT, KEY, SHOTS } = process.env;
export const PORT = Number(process.env.PORT ?? 8443);

const pages = {
  "/login": `<!doctype html><title>Sign in</title><form><label for="otp">Authentication code</label>
    <input id="otp" name="otp" autocomplete="one-time-code" inputmode="numeric"><button>Verify</button></form>`,
  "/split": `<!doctype html><title>Code</title><form>${Array.from({ length: 6 }, (_, i) => `<input id="d${i}" maxlength="1" inputmode="numeric" style="width:2em">`).join("")}</form>
    <script>window.seen=[];document.querySelectorAll('input').forEach(i=>i.addEventListener('input',()=>seen.push(i.id)));</script>`,
  "/submit": `<!doctype html><title>Verify</title><form id="f"><label>Verification code <input id="otp" name="code" inputmode="numeric"></label></form>
    <script>window.seen=[];document.getElementById('f').addEventListener('submit',e=>{e.preventDefault();seen.push('submitted:'+document.getElementById('otp').value);});</script>`,
  "/own-frame": `<!doctype html><title>Frame</title><iframe src="/login" width="400" height="200"></iframe>`,
  "/frame": `<!doctype html><title>Frame</title><iframe src="https://github.com:${PORT}/login" width="400" height="200"></iframe>`,
};

/** The hosts the cases visit, for the browser's mapping to loopback. */
export const hosts = ["github.com", "gist.github.com", "gitlab.com", "github.com.evil.io", domainToASCII("gіthub.com"), "x-com-login.net", "evil.net", "example.com"];

export function serve() {
  return https
    .createServer({ cert: readFileSync(CERT), key: readFileSync(KEY) }, (req, res) => {
      const body = pages[new URL(req.url, "https://x").pathname];
      res.writeHead(body ? 200 : 404, { "content-type": "text/html; charset=utf-8" });
      res.end(body ?? "not found");
    })
    .listen(PORT, "127.0.0.1");
}

async function fieldValue(target, selector, timeout) {
  const start = Date.now();
  for (;;) {
    const values = await target.evaluate((s) => Array.from(document.querySelectorAll(s)).map((i) => i.value).join(""), selector);
    if (values || Date.now() - start > timeout) return values;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Waits for the popup's last words: "done" or "refused" (or "closed" when it went away). */
async function popupSays(engine, popup, timeout) {
  const start = Date.now();
  let said = { state: "timeout", text: "" };
  while (Date.now() - start < timeout) {
    said = await engine.said(popup);
    if (["done", "refused", "closed"].includes(said.state)) return said;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { state: "timeout", text: `still ${said.state}: ${said.text}` };
}

/** One case: open `url`, make the gesture (`how`: the engine's kinds), read what came of it. */
async function run(engine, name, url, selector, { frame = false, wait = 90000, how = "action", before } = {}) {
  const page = await engine.open(url);
  const t0 = Date.now();
  const popup = await engine.press(page, how, selector);
  if (before) await before(popup);
  const target = frame ? page.frames().find((f) => f !== page.mainFrame()) : page;
  const value = await fieldValue(target, selector, wait);
  const ms = Date.now() - t0;
  const at = Math.floor(Date.now() / 1000);
  const said = await popupSays(engine, popup, value ? 3000 : 30000);
  if (SHOTS && ["bound", "x-lookalike", "homograph"].includes(name) && said.state !== "closed") {
    await engine.shot(popup, `${SHOTS}/popup-${engine.name}-${name}.png`).catch(() => {});
  }
  const seen = await page.evaluate(() => window.seen ?? null);
  console.log(JSON.stringify({ case: name, url, value, at, ms, said, seen }));
  await page.close();
}

/** The cases, in order: the first pairs the browser and confirms GitHub's first fill. */
export async function cases(engine) {
  const p = PORT;
  await run(engine, "bound", `https://github.com:${p}/login`, "#otp");
  await run(engine, "split", `https://gist.github.com:${p}/split`, "input", { wait: 20000 });
  // Two GitLab accounts: the popup asks which, and the person picks the second with the keyboard.
  await run(engine, "choose", `https://gitlab.com:${p}/login`, "#otp", { wait: 30000, before: (popup) => engine.choose(popup, "GitLab (home)") });
  await run(engine, "subdomain-lookalike", `https://github.com.evil.io:${p}/login`, "#otp", { wait: 3000 });
  await run(engine, "homograph", `https://${domainToASCII("gіthub.com")}:${p}/login`, "#otp", { wait: 3000 });
  await run(engine, "x-lookalike", `https://x-com-login.net:${p}/login`, "#otp", { wait: 3000 });
  await run(engine, "own-frame", `https://github.com:${p}/own-frame`, "#otp", { frame: true, wait: 20000 });
  await run(engine, "cross-site-frame", `https://evil.net:${p}/frame`, "#otp", { frame: true, wait: 3000 });
  if (engine.menu) await run(engine, "context-menu", `https://github.com:${p}/login`, "#otp", { wait: 20000, how: "menu" });
  // The person ticks "Submit the form after filling" in the popup of a refused page…
  await run(engine, "unbound", `https://example.com:${p}/login`, "#otp", { wait: 3000, before: (popup) => engine.tick(popup, "#submit") });
  // …and the next fill submits the form, once, with the code in it.
  await run(engine, "submit", `https://github.com:${p}/submit`, "#otp", { wait: 20000 });
}
