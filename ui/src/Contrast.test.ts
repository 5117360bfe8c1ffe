/// <reference types="vite/client" />
// Colour contrast of the shipped palette (app.css), in both themes, against WCAG 2.2 AA: text
// 4.5:1 (the hints and errors are 12 px, never "large"), and 3:1 for what identifies a control
// without text (a field's edge, the focus ring). jsdom paints nothing, so axe leaves contrast
// to this test; every pair below is one the stylesheet draws.
import { describe, expect, it } from "vitest";
import css from "./app.css?raw";

function palette(selector: string): Record<string, string> {
  const start = css.indexOf(`${selector} {`);
  const block = css.slice(start, css.indexOf("}", start));
  return Object.fromEntries([...block.matchAll(/--([\w-]+):\s*(#[0-9a-fA-F]{6})\b/g)].map((m) => [m[1], m[2]]));
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const linear = (c: number) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

function ratio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const light = palette(":root");
const themes = { light, dark: { ...light, ...palette(':root[data-theme="dark"]') } };

// [foreground, background, the least ratio, what draws it]
const pairs: [string, string, number, string][] = [
  ["text", "bg", 4.5, "text on the window"],
  ["text", "surface", 4.5, "text in dialogs and fields"],
  ["text", "surface-2", 4.5, "text on a hovered button"],
  ["text", "selected", 4.5, "the chosen row"],
  ["muted", "bg", 4.5, "hints on the window"],
  ["muted", "surface", 4.5, "hints and labels in dialogs"],
  ["muted", "surface-2", 4.5, "hints on a hovered row"],
  ["muted", "selected", 4.5, "the chosen row's account name"],
  ["danger", "bg", 4.5, "error text"],
  ["danger", "surface", 4.5, "error text in dialogs"],
  ["warn", "bg", 4.5, "a warning line (clock, folder state)"],
  ["warn", "surface", 4.5, "a warning in dialogs (a duplicate)"],
  ["accent-text", "accent", 4.5, "the primary button"],
  ["danger-text", "danger", 4.5, "the delete button, an error toast"],
  ["bg", "text", 4.5, "a toast"],
  ["accent", "surface", 4.5, "the live code in the manual form"],
  ["field-border", "surface", 3, "a field's edge in a dialog"],
  ["field-border", "bg", 3, "the search field's edge"],
  ["accent", "bg", 3, "the focus ring"],
  ["accent", "surface", 3, "the focus ring in a dialog"],
];

describe("the palette meets WCAG AA contrast", () => {
  for (const [theme, colours] of Object.entries(themes)) {
    it(`${theme} theme`, () => {
      const failing = pairs
        .map(([fg, bg, least, what]) => ({ fg, bg, least, what, got: ratio(colours[fg], colours[bg]) }))
        .filter((p) => !(p.got >= p.least))
        .map((p) => `${p.what}: --${p.fg} on --${p.bg} is ${p.got.toFixed(2)}:1, needs ${p.least}:1`);
      expect(failing).toEqual([]);
    });
  }
});
