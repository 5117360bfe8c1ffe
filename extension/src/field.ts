// The one-time-code field of a page, found and filled. Both functions run inside the page
// (chrome.scripting.executeScript serializes them), so each is self-contained: no import, no
// outer name. They read no page text for Ninsho: only where the field is.

/** What `findField` saw in one frame. */
export type FieldFound = { score: number; boxes: number };

/** Scores the frame's best one-time-code field: 100 for `autocomplete="one-time-code"`, 60
 * for several single-character boxes side by side, 50 for a field whose id, name, placeholder
 * or label names a code (English and Japanese), 0 when there is none. */
export function findField(): FieldFound {
  const hint =
    /(one.?time|otp|totp|2fa|mfa|two.?factor|second.?factor|verification|verify|auth(entication|enticator)?.?code|security.?code|login.?code|passcode|tfa|認証|確認コード|ワンタイム|セキュリティコード|コード)/i;
  const deny = /(zip|postal|post.?code|coupon|promo|voucher|gift|phone|tel\b|captcha|card|cvc|cvv|search|email|user|country)/i;
  const visible = (el: HTMLInputElement) => {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && style.visibility !== "hidden" && style.display !== "none";
  };
  const usable = (el: HTMLInputElement) =>
    !el.disabled && !el.readOnly && ["text", "tel", "number", "password", ""].includes(el.type) && visible(el);
  const words = (el: HTMLInputElement) => {
    const label = el.labels && el.labels.length ? Array.from(el.labels).map((l) => l.textContent ?? "").join(" ") : "";
    return [el.id, el.name, el.placeholder, el.getAttribute("aria-label") ?? "", label].join(" ");
  };
  const inputs = Array.from(document.querySelectorAll("input")).filter(usable);
  let best: FieldFound = { score: 0, boxes: 0 };
  const boxes = inputs.filter((el) => el.maxLength === 1);
  if (boxes.length >= 4 && boxes.length <= 8) best = { score: 60, boxes: boxes.length };
  for (const el of inputs) {
    if (el.maxLength === 1) continue;
    const w = words(el);
    let score = 0;
    if ((el.autocomplete ?? "").toLowerCase().includes("one-time-code")) score = 100;
    else if (hint.test(w) && !deny.test(w)) score = 50;
    if (score > best.score) best = { score, boxes: 0 };
  }
  return best;
}

/** Fills `code` into the frame's one-time-code field the way typing would (the value set
 * through the input's own setter, then input and change events, so React- and Vue-controlled
 * fields notice), one character per box for split fields. Refuses when the frame is no longer
 * at `origin` (a navigation between the request and the answer). Submits the field's form only
 * when the person opted in (`submit`), and only once every character is in. */
export function fillField(code: string, origin: string, submit = false): boolean {
  if (location.origin !== origin) return false;
  const hint =
    /(one.?time|otp|totp|2fa|mfa|two.?factor|second.?factor|verification|verify|auth(entication|enticator)?.?code|security.?code|login.?code|passcode|tfa|認証|確認コード|ワンタイム|セキュリティコード|コード)/i;
  const deny = /(zip|postal|post.?code|coupon|promo|voucher|gift|phone|tel\b|captcha|card|cvc|cvv|search|email|user|country)/i;
  const usable = (el: HTMLInputElement) => {
    const r = el.getBoundingClientRect();
    return !el.disabled && !el.readOnly && r.width > 0 && r.height > 0 && ["text", "tel", "number", "password", ""].includes(el.type);
  };
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, "value")?.set;
  const type = (el: HTMLInputElement, value: string) => {
    el.focus();
    for (const kind of ["keydown", "keypress"]) el.dispatchEvent(new KeyboardEvent(kind, { key: value.slice(-1), bubbles: true }));
    if (setter) setter.call(el, value);
    else el.value = value;
    el.dispatchEvent(new InputEvent("input", { bubbles: true, data: value, inputType: "insertText" }));
    el.dispatchEvent(new KeyboardEvent("keyup", { key: value.slice(-1), bubbles: true }));
    el.dispatchEvent(new Event("change", { bubbles: true }));
  };
  const inputs = Array.from(document.querySelectorAll("input")).filter(usable);
  const words = (el: HTMLInputElement) =>
    [el.id, el.name, el.placeholder, el.getAttribute("aria-label") ?? "", el.labels ? Array.from(el.labels).map((l) => l.textContent ?? "").join(" ") : ""].join(" ");
  const auto = inputs.find((el) => el.maxLength !== 1 && (el.autocomplete ?? "").toLowerCase().includes("one-time-code"));
  const boxes = inputs.filter((el) => el.maxLength === 1);
  const named = inputs.find((el) => el.maxLength !== 1 && hint.test(words(el)) && !deny.test(words(el)));
  let filled: HTMLInputElement | null = null;
  if (auto) {
    type(auto, code);
    if (auto.value === code) filled = auto;
  } else if (boxes.length >= code.length && boxes.length >= 4 && boxes.length <= 8) {
    Array.from(code).forEach((c, i) => type(boxes[i], c));
    if (boxes.slice(0, code.length).map((b) => b.value).join("") === code) filled = boxes[code.length - 1];
  } else if (named) {
    type(named, code);
    if (named.value === code) filled = named;
  }
  if (!filled) return false;
  if (submit && filled.form) filled.form.requestSubmit();
  return true;
}
