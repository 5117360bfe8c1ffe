import { describe, expect, it } from "vitest";
import { iconFor, readableHex } from "./icons";

describe("issuer icons", () => {
  it("matches brands by name, domain or first word", () => {
    for (const [issuer, slug] of [
      ["GitHub", "github"],
      ["github.com", "github"],
      ["Google", "google"],
      ["Proton Mail", "protonmail"],
      ["Dropbox, Inc.", "dropbox"],
      ["npm", "npm"],
    ]) {
      const icon = iconFor(issuer);
      expect(icon.kind, issuer).toBe("brand");
      if (icon.kind === "brand") expect(icon.slug, issuer).toBe(slug);
    }
  });

  it("falls back to a stable monogram", () => {
    const a = iconFor("Zzyzx Credit Union of Nowhere");
    expect(a).toEqual(iconFor("Zzyzx Credit Union of Nowhere"));
    expect(a.kind).toBe("monogram");
    if (a.kind === "monogram") expect(a.letters).toBe("Z");
    const b = iconFor(null, "alice");
    expect(b.kind === "monogram" && b.letters).toBe("A");
  });

  it("keeps dark brand colours readable on a dark background", () => {
    expect(readableHex("000000", true)).not.toBe("#000000");
    expect(readableHex("181717", false)).toBe("#181717");
  });
});
