// The extension's background: it runs a fill when the person asks — from the popup (toolbar
// button or Ctrl+Shift+L) or from the context menu on a field — and nothing else. It reads no
// page on its own, and no page can reach it (no content script, no externally_connectable).

import { api } from "./api";
import { fillTab, type Ui } from "./flow";

const MENU = "ninsho-fill";

api.runtime.onInstalled.addListener(() => {
  api.contextMenus.create({ id: MENU, title: api.i18n.getMessage("action_title"), contexts: ["editable"] });
});

/** A fill asked for from the context menu, waiting for the popup it opened. */
let pending: { tabId: number; frameId: number } | null = null;

/** The popup's view of a fill: what it says goes there while the popup is open. */
function popupUi(port: chrome.runtime.Port): Ui {
  let open = true;
  const choosing: ((a: string | null) => void)[] = [];
  port.onDisconnect.addListener(() => {
    open = false;
    for (const c of choosing.splice(0)) c(null);
  });
  port.onMessage.addListener((m: { type?: string; account?: unknown }) => {
    if (m.type === "chose") choosing.shift()?.(typeof m.account === "string" ? m.account : null);
  });
  return {
    show(text, kind) {
      if (open) port.postMessage({ type: "status", text, kind });
    },
    choose(accounts) {
      if (!open) return Promise.resolve(null);
      port.postMessage({ type: "choose", accounts });
      return new Promise((resolve) => choosing.push(resolve));
    },
  };
}

/** With no popup open: the outcome on the toolbar button (a mark, and its words as the title). */
function badgeUi(tabId: number): Ui {
  return {
    show(text, kind) {
      const mark = kind === "done" ? "✓" : kind === "refused" ? "!" : "…";
      void api.action.setBadgeText({ tabId, text: mark });
      void api.action.setBadgeBackgroundColor({ tabId, color: kind === "refused" ? "#a1261a" : "#1c6b3a" });
      void api.action.setTitle({ tabId, title: text });
    },
    choose: () => Promise.resolve(null),
  };
}

api.runtime.onConnect.addListener((port) => {
  if (port.name !== "fill" || port.sender?.id !== api.runtime.id || port.sender?.tab) return;
  port.onMessage.addListener((m: { type?: string; tabId?: unknown }) => {
    if (m.type !== "start" || typeof m.tabId !== "number") return;
    const frameId = pending?.tabId === m.tabId ? pending.frameId : undefined;
    pending = null;
    void api.action.setBadgeText({ tabId: m.tabId, text: "" });
    void fillTab(m.tabId, popupUi(port), frameId);
  });
});

api.contextMenus.onClicked.addListener((info, tab) => {
  if (info.menuItemId !== MENU || tab?.id === undefined) return;
  pending = { tabId: tab.id, frameId: info.frameId ?? 0 };
  // The popup shows the outcome and any choice; where a browser cannot open it from here,
  // the fill runs on its own and the toolbar button says how it went.
  Promise.resolve()
    .then(() => api.action.openPopup())
    .catch(() => {
      const p = pending;
      pending = null;
      if (p) void fillTab(p.tabId, badgeUi(p.tabId), p.frameId);
    });
});
