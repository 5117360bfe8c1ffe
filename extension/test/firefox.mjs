// Drives Debian's Firefox ESR, on the test's X display (Xvfb), with Ninsho's extension
// installed as a temporary add-on over WebDriver BiDi and its native host in
// ~/.mozilla/native-messaging-hosts of a throwaway HOME. The gestures are a person's keys,
// sent with xdotool: Ctrl+Shift+L, or Shift+F10 on the field for the context menu. The popup's
// words are read through BiDi's chrome scope (the pref below keeps the add-on in the
// browser's own process so its popup document can be read). Pages and cases are site.mjs's.
//
// env: EXT (unpacked extension), HOME (with .mozilla/native-messaging-hosts/), DISPLAY,
//      CERT, KEY, PORT, SHOTS (optional).
import { execFileSync } from "node:child_process";
import puppeteer from "puppeteer-core";
import { cases, hosts, serve } from "./site.mjs";

const { EXT } = process.env;
const server = serve();
const browser = await puppeteer.launch({
  browser: "firefox",
  executablePath: "/usr/bin/firefox-esr",
  headless: false,
  acceptInsecureCerts: true,
  args: ["--remote-allow-system-access"],
  extraPrefsFirefox: {
    "network.dns.localDomains": hosts.join(","),
    "extensions.webextensions.remote": false,
    "intl.locale.requested": "en-US",
  },
});
const bidi = browser.connection;
const extension = await browser.installExtension(EXT);
console.log(JSON.stringify({ case: "load", extension }));

const xdotool = (...args) => execFileSync("xdotool", args).toString().trim();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function chrome(expression) {
  const { result } = await bidi.send("browsingContext.getTree", { "moz:scope": "chrome" });
  const r = await bidi.send("script.evaluate", { expression, target: { context: result.contexts[0].context }, awaitPromise: true });
  if (r.result.type !== "success") throw new Error(JSON.stringify(r.result.exceptionDetails ?? r.result));
  return r.result.result.value;
}

// The open popup's document (a closed popup's browser element can linger, hidden, in the DOM).
const POPUP = `Array.from(document.querySelectorAll('.webextension-popup-browser')).filter(b => ['open', 'showing'].includes(b.closest('panel')?.state)).pop()?.contentDocument`;

function focusFirefox() {
  const [win] = xdotool("search", "--onlyvisible", "--name", "Mozilla Firefox$").split("\n");
  xdotool("windowfocus", "--sync", win);
}

const engine = {
  name: "firefox",
  menu: true,
  async open(url) {
    const page = await browser.newPage();
    await page.goto(url, { waitUntil: "load" });
    await page.bringToFront();
    return page;
  },
  /** The person's gesture: Ctrl+Shift+L, or the field's context menu from the keyboard. */
  async press(page, how, selector) {
    focusFirefox();
    // A popup left open (the person clicked in it) is closed first, as Escape closes it.
    for (let i = 0; i < 50 && (await chrome(`!!${POPUP}`)); i++) {
      if (i % 10 === 0) xdotool("key", "Escape");
      await sleep(100);
    }
    if (how === "menu") {
      await page.focus(selector);
      xdotool("key", "shift+F10");
      // The menu is open; the person picks Ninsho's item (its label, as the menu shows it).
      const label = await chrome(`(async () => {
        const menu = document.getElementById('contentAreaContextMenu');
        for (let i = 0; i < 100 && menu.state !== 'open'; i++) await new Promise(r => setTimeout(r, 50));
        const item = Array.from(menu.querySelectorAll('menuitem')).find(m => !m.hidden && m.id.includes('ninsho-fill'));
        if (!item) return 'no item';
        menu.activateItem(item);
        return item.label;
      })()`);
      if (label === "no item") throw new Error("the context menu has no Ninsho item");
    } else {
      xdotool("key", "ctrl+shift+l");
    }
    for (let i = 0; i < 100; i++) {
      if (await chrome(`!!${POPUP}?.body?.dataset.state`)) break;
      await sleep(100);
    }
    return {};
  },
  async said() {
    const r = JSON.parse(await chrome(`(() => { const d = ${POPUP}; return JSON.stringify(d ? [d.body.dataset.state, d.getElementById('status').textContent] : null); })()`));
    return r ? { state: r[0], text: r[1] } : { state: "closed", text: "" };
  },
  async tick(_popup, selector) {
    await chrome(`${POPUP}.querySelector(${JSON.stringify(selector)}).click()`);
  },
  /** Picks `label` among the popup's choices with Tab and Return, typed with xdotool. */
  async choose(_popup, label) {
    let labels = [];
    for (let i = 0; i < 200 && labels.length === 0; i++) {
      labels = JSON.parse(await chrome(`JSON.stringify(Array.from(${POPUP}?.querySelectorAll('#choices button') ?? []).map(b => b.textContent))`));
      if (labels.length === 0) await sleep(100);
    }
    for (let i = 0; i < labels.indexOf(label); i++) xdotool("key", "Tab");
    xdotool("key", "Return");
    return labels;
  },
  async shot(_popup, path) {
    execFileSync("import", ["-window", "root", path]);
  },
};

await cases(engine);
await browser.close();
server.close();
