// Ninsho's popup: opened by the person (the toolbar button or its shortcut, Ctrl+Shift+L), it
// asks Ninsho for the code of the page the browser says the tab is on, and fills the field.
// The URLs come from the browser (tabs, webNavigation), never from the page; Ninsho decides
// whether this site gets a code. Nothing runs in a page until the person asks.

import { fillField, findField, type FieldFound } from "./field";
import { say, type Answer } from "./messages";

const HOST = "io.ninsho.host";

const api: typeof chrome = (globalThis as { browser?: typeof chrome }).browser ?? chrome;
const out = document.getElementById("status") as HTMLElement;
const choices = document.getElementById("choices") as HTMLElement;

function show(text: string, kind: "info" | "done" | "refused" = "info") {
  out.textContent = text;
  out.dataset.kind = kind;
  document.body.dataset.state = kind;
}

async function ask(message: object): Promise<Answer> {
  try {
    return (await api.runtime.sendNativeMessage(HOST, message)) as Answer;
  } catch {
    return { type: "app_not_running", message: "" };
  }
}

function browserName(): string {
  return navigator.userAgent.includes("Firefox/") ? "Firefox" : "Chromium";
}

async function token(): Promise<string | null> {
  const got = await api.storage.local.get("token");
  return typeof got.token === "string" ? got.token : null;
}

/** Pairs this browser profile: a code shown here and in Ninsho's dialog, confirmed there. */
async function pair(): Promise<string | null> {
  const digits = new Uint32Array(1);
  crypto.getRandomValues(digits);
  const code = String(digits[0] % 1_000_000).padStart(6, "0");
  show(api.i18n.getMessage("pairing", [code]));
  const a = await ask({ type: "pair", browser: browserName(), code });
  if (a.type === "paired" && typeof a.token === "string") {
    await api.storage.local.set({ token: a.token });
    return a.token;
  }
  show(say(api.i18n.getMessage.bind(api.i18n), a), "refused");
  return null;
}

type Frame = { frameId: number; documentId?: string; found: FieldFound };

async function fieldFrames(tabId: number): Promise<Frame[]> {
  const results = await api.scripting.executeScript({ target: { tabId, allFrames: true }, func: findField });
  return results
    .filter((r) => r.result && (r.result as FieldFound).score > 0)
    .map((r) => ({ frameId: r.frameId, documentId: (r as { documentId?: string }).documentId, found: r.result as FieldFound }))
    .sort((a, b) => b.found.score - a.found.score || a.frameId - b.frameId);
}

async function fill(tab: chrome.tabs.Tab, frame: Frame, frameUrl: string, code: string): Promise<boolean> {
  const origin = new URL(frameUrl).origin;
  const target =
    frame.documentId !== undefined
      ? { tabId: tab.id as number, documentIds: [frame.documentId] }
      : { tabId: tab.id as number, frameIds: [frame.frameId] };
  const [r] = await api.scripting.executeScript({ target, func: fillField, args: [code, origin] });
  return r?.result === true;
}

async function request(tab: chrome.tabs.Tab, frame: Frame, frameUrl: string, t: string, account: string | null): Promise<void> {
  const a = await ask({ type: "fill", token: t, frame: frameUrl, top: tab.url, account });
  if (a.type === "code") {
    const ok = await fill(tab, frame, frameUrl, a.code);
    show(ok ? api.i18n.getMessage("filled", [a.label]) : api.i18n.getMessage("not_filled"), ok ? "done" : "refused");
    if (ok) setTimeout(() => window.close(), 1500);
    return;
  }
  if (a.type === "choose") {
    show(api.i18n.getMessage("choose"));
    choices.replaceChildren(
      ...a.accounts.map((c) => {
        const b = document.createElement("button");
        b.textContent = c.label;
        b.addEventListener("click", () => {
          choices.replaceChildren();
          void request(tab, frame, frameUrl, t, c.account);
        });
        return b;
      }),
    );
    (choices.firstElementChild as HTMLElement | null)?.focus();
    return;
  }
  if (a.type === "not_paired") {
    await api.storage.local.remove("token");
    const fresh = await pair();
    if (fresh) await request(tab, frame, frameUrl, fresh, account);
    return;
  }
  show(say(api.i18n.getMessage.bind(api.i18n), a), "refused");
}

async function main() {
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  if (!tab || tab.id === undefined || !tab.url) {
    show(api.i18n.getMessage("no_page"), "refused");
    return;
  }
  let frames: Frame[];
  try {
    frames = await fieldFrames(tab.id);
  } catch {
    show(api.i18n.getMessage("no_page"), "refused");
    return;
  }
  if (frames.length === 0) {
    show(api.i18n.getMessage("no_field"), "refused");
    return;
  }
  const frame = frames[0];
  const frameUrl =
    frame.frameId === 0 ? tab.url : ((await api.webNavigation.getFrame({ tabId: tab.id, frameId: frame.frameId }))?.url ?? "");
  const t = (await token()) ?? (await pair());
  if (!t) return;
  show(api.i18n.getMessage("asking"));
  await request(tab, frame, frameUrl, t, null);
}

void main();
