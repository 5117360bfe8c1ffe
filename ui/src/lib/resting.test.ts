import { describe, expect, it } from "vitest";
import { resting } from "./resting";

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("resting", () => {
  it("calls back once after a pause without input, and input starts the pause again", async () => {
    let rests = 0;
    const stop = resting(() => rests++, 120);
    await wait(70);
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "a" }));
    await wait(70);
    expect(rests).toBe(0);
    await wait(100);
    expect(rests).toBe(1);
    await wait(200);
    expect(rests).toBe(1);
    window.dispatchEvent(new Event("pointermove"));
    await wait(180);
    expect(rests).toBe(2);
    stop();
    window.dispatchEvent(new KeyboardEvent("keydown", { key: "a" }));
    await wait(180);
    expect(rests).toBe(2);
  });
});
