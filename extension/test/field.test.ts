// @vitest-environment jsdom
// The field finder and filler on pages like the ones sites serve: one field, six boxes, a
// field named in Japanese, a postal code that is no code field, a navigation mid-request, a
// form submitted only when the person opted in.
import { beforeEach, describe, expect, it } from "vitest";
import { fillField, findField } from "../src/field";

beforeEach(() => {
  // jsdom lays nothing out: every element is 20×20 unless hidden.
  HTMLElement.prototype.getBoundingClientRect = function (this: HTMLElement) {
    const hidden = this.hidden || this.style.display === "none";
    return { width: hidden ? 0 : 20, height: hidden ? 0 : 20, x: 0, y: 0, top: 0, left: 0, right: 20, bottom: 20, toJSON: () => ({}) } as DOMRect;
  };
});

const page = (html: string) => {
  document.body.innerHTML = html;
  const events: string[] = [];
  for (const el of Array.from(document.querySelectorAll("input"))) {
    for (const kind of ["input", "change"]) el.addEventListener(kind, () => events.push(`${el.id || el.name}:${kind}`));
  }
  return events;
};

describe("the one-time-code field", () => {
  it("is the one marked one-time-code, filled with events a framework notices", () => {
    const events = page(`<input id="user" value="mika"><input id="otp" autocomplete="one-time-code" inputmode="numeric">`);
    expect(findField()).toEqual({ score: 100, boxes: 0 });
    expect(fillField("123456", location.origin)).toBe(true);
    expect((document.getElementById("otp") as HTMLInputElement).value).toBe("123456");
    expect((document.getElementById("user") as HTMLInputElement).value).toBe("mika");
    expect(events).toEqual(["otp:input", "otp:change"]);
  });

  it("is six single-character boxes, one digit each", () => {
    page(Array.from({ length: 6 }, (_, i) => `<input id="d${i}" maxlength="1">`).join(""));
    expect(findField()).toEqual({ score: 60, boxes: 6 });
    expect(fillField("908172", location.origin)).toBe(true);
    const got = Array.from(document.querySelectorAll("input")).map((i) => i.value);
    expect(got).toEqual(["9", "0", "8", "1", "7", "2"]);
  });

  it("is named by its label, in English or Japanese; a postal code or a hidden field is not", () => {
    page(`<label for="c">確認コード</label><input id="c">`);
    expect(findField().score).toBe(50);
    page(`<label for="p">Postal code</label><input id="p"><input id="h" autocomplete="one-time-code" style="display:none">`);
    expect(findField().score).toBe(0);
    expect(fillField("123456", location.origin)).toBe(false);
    expect((document.getElementById("p") as HTMLInputElement).value).toBe("");
  });

  it("is not filled once the frame is on another origin than the one Ninsho answered for", () => {
    page(`<input id="otp" autocomplete="one-time-code">`);
    expect(fillField("123456", "https://github.com")).toBe(false);
    expect((document.getElementById("otp") as HTMLInputElement).value).toBe("");
  });

  it("submits its form only when the person opted in, once, after the last box", () => {
    const submits: string[] = [];
    const form = () => {
      page(`<form id="f">${Array.from({ length: 6 }, (_, i) => `<input id="d${i}" maxlength="1">`).join("")}</form>`);
      document.getElementById("f")!.addEventListener("submit", (e) => {
        e.preventDefault();
        submits.push(Array.from(document.querySelectorAll("input")).map((i) => i.value).join(""));
      });
    };
    form();
    expect(fillField("908172", location.origin)).toBe(true);
    expect(submits).toEqual([]);
    form();
    expect(fillField("908172", location.origin, true)).toBe(true);
    expect(submits).toEqual(["908172"]);
  });
});
