// Ninsho's popup: opened by the person (the toolbar button, Ctrl+Shift+L, or the context menu
// on a field), it starts a fill of its tab in the background and shows how it goes. The fill
// lives on if Ninsho's dialog takes the focus and the browser closes the popup.

import { api } from "./api";

const out = document.getElementById("status") as HTMLElement;
const choices = document.getElementById("choices") as HTMLElement;
const submit = document.getElementById("submit") as HTMLInputElement;

document.getElementById("submit-label")!.textContent = api.i18n.getMessage("submit_after");

function show(text: string, kind: string) {
  out.textContent = text;
  out.dataset.kind = kind;
  document.body.dataset.state = kind;
}

async function main() {
  submit.checked = (await api.storage.local.get("submit")).submit === true;
  submit.addEventListener("change", () => void api.storage.local.set({ submit: submit.checked }));
  const [tab] = await api.tabs.query({ active: true, currentWindow: true });
  if (!tab || tab.id === undefined) {
    show(api.i18n.getMessage("no_page"), "refused");
    return;
  }
  const port = api.runtime.connect({ name: "fill" });
  port.onMessage.addListener((m: { type: string; text?: string; kind?: string; accounts?: { account: string; label: string }[] }) => {
    if (m.type === "status") {
      show(m.text ?? "", m.kind ?? "info");
      if (m.kind === "done") setTimeout(() => window.close(), 1500);
    } else if (m.type === "choose") {
      choices.replaceChildren(
        ...(m.accounts ?? []).map((c) => {
          const b = document.createElement("button");
          b.textContent = c.label;
          b.addEventListener("click", () => {
            choices.replaceChildren();
            port.postMessage({ type: "chose", account: c.account });
          });
          return b;
        }),
      );
      (choices.firstElementChild as HTMLElement | null)?.focus();
    }
  });
  port.postMessage({ type: "start", tabId: tab.id });
}

void main();
