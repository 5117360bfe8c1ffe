// jsdom lacks a few browser APIs the UI uses.
import { configure } from "@testing-library/svelte";
import { afterEach, vi } from "vitest";

// A toast's words are in the page twice: seen (hidden from screen readers) and heard (the live
// region). Queries find the heard copy, so one text is one element; A11y.test.ts checks both.
configure({ defaultIgnore: "script, style, .toasts[aria-hidden=true] *" });

if (!window.matchMedia) {
  window.matchMedia = (query: string) =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addEventListener: () => {},
      removeEventListener: () => {},
      addListener: () => {},
      removeListener: () => {},
      dispatchEvent: () => false,
    }) as unknown as MediaQueryList;
}
Element.prototype.scrollIntoView ??= function () {};
// Icon path data is an app asset; in tests every icon falls back to its monogram.
globalThis.fetch = vi.fn(async () => new Response("{}", { status: 404 })) as typeof fetch;

afterEach(() => {
  document.body.innerHTML = "";
});
