// One fill, from the person's gesture to the field: find the one-time-code field in the tab's
// frames the extension may reach, pair this browser with Ninsho on first use, ask Ninsho for
// the code of the page the *browser* says the frame is on (never words from the page), and
// fill it. Ninsho decides whether the site gets a code; this only carries the answer. It runs
// in the background so that a popup closed by Ninsho's dialog taking focus loses nothing.

import { api, browserName } from "./api";
import { fillField, findField, type FieldFound } from "./field";
import { Host } from "./host";
import { say, type Answer } from "./messages";

/** Where a fill reports to: the popup while it is open, else the toolbar button's badge. */
export interface Ui {
  show(text: string, kind: "info" | "done" | "refused"): void;
  /** The account the person picks among several (labels only), or null. */
  choose(accounts: { account: string; label: string }[]): Promise<string | null>;
}

type Frame = { frameId: number; documentId?: string; found: FieldFound };

const t = (key: string, subs?: string[]) => api.i18n.getMessage(key, subs);

async function fieldFrames(tabId: number): Promise<Frame[]> {
  const results = await api.scripting.executeScript({ target: { tabId, allFrames: true }, func: findField });
  return results
    .filter((r) => r.result && (r.result as FieldFound).score > 0)
    .map((r) => ({ frameId: r.frameId, documentId: (r as { documentId?: string }).documentId, found: r.result as FieldFound }))
    .sort((a, b) => b.found.score - a.found.score || a.frameId - b.frameId);
}

async function token(): Promise<string | null> {
  const got = await api.storage.local.get("token");
  return typeof got.token === "string" ? got.token : null;
}

/** Pairs this browser profile: a code shown here and in Ninsho's dialog, confirmed there. */
async function pair(host: Host, ui: Ui): Promise<string | null> {
  const digits = new Uint32Array(1);
  crypto.getRandomValues(digits);
  const code = String(digits[0] % 1_000_000).padStart(6, "0");
  ui.show(t("pairing", [code]), "info");
  const a = await host.ask({ type: "pair", browser: browserName(), code });
  if (a.type === "paired" && typeof a.token === "string") {
    await api.storage.local.set({ token: a.token });
    return a.token;
  }
  ui.show(say(t, a), "refused");
  return null;
}

async function put(tabId: number, frame: Frame, frameUrl: string, code: string): Promise<boolean> {
  const origin = new URL(frameUrl).origin;
  const submit = (await api.storage.local.get("submit")).submit === true;
  const target =
    frame.documentId !== undefined ? { tabId, documentIds: [frame.documentId] } : { tabId, frameIds: [frame.frameId] };
  const [r] = await api.scripting.executeScript({ target, func: fillField, args: [code, origin, submit] });
  return r?.result === true;
}

/** Fills the tab's one-time-code field; `frameId` prefers the frame a context menu was opened in. */
export async function fillTab(tabId: number, ui: Ui, frameId?: number): Promise<void> {
  const tab = await api.tabs.get(tabId).catch(() => null);
  if (!tab?.url) {
    ui.show(t("no_page"), "refused");
    return;
  }
  let frames: Frame[];
  try {
    frames = await fieldFrames(tabId);
  } catch {
    ui.show(t("no_page"), "refused");
    return;
  }
  const frame = frames.find((f) => f.frameId === frameId) ?? frames[0];
  if (!frame) {
    ui.show(t("no_field"), "refused");
    return;
  }
  const frameUrl =
    frame.frameId === 0 ? tab.url : ((await api.webNavigation.getFrame({ tabId, frameId: frame.frameId }))?.url ?? "");
  const host = new Host();
  try {
    let tok = (await token()) ?? (await pair(host, ui));
    let account: string | null = null;
    while (tok) {
      ui.show(t("asking"), "info");
      const a: Answer = await host.ask({ type: "fill", token: tok, frame: frameUrl, top: tab.url, account });
      if (a.type === "code") {
        const ok = await put(tabId, frame, frameUrl, a.code).catch(() => false);
        ui.show(ok ? t("filled", [a.label]) : t("not_filled"), ok ? "done" : "refused");
        return;
      }
      if (a.type === "choose" && account === null) {
        ui.show(t("choose"), "info");
        account = await ui.choose(a.accounts);
        if (account === null) return;
        continue;
      }
      if (a.type === "not_paired") {
        await api.storage.local.remove("token");
        tok = await pair(host, ui);
        continue;
      }
      ui.show(say(t, a), "refused");
      return;
    }
  } finally {
    host.close();
  }
}
