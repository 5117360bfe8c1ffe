// The clock check in settings: what a wrong clock, a right one and an unreachable server say.
import { emit } from "@tauri-apps/api/event";
import { fireEvent, screen } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import type { ClockCheck } from "./lib/ipc";
import { renderApp, until } from "./test/harness";

const check = (offset_ms: number, wrong: boolean): ClockCheck => ({ server: "pool.ntp.org", offset_ms, round_trip_ms: 20, wrong, system: "linux" });

async function openSettings() {
  await until(() => expect(screen.getByText("No accounts yet")).toBeTruthy(), 8000);
  await fireEvent.keyDown(window, { key: ",", ctrlKey: true });
  await until(() => expect(screen.getByText("Check the clock")).toBeTruthy());
}

describe("clock check", () => {
  it("a clock 95 s behind says so and what to do on this system", async () => {
    const { calls } = await renderApp({ check_clock: () => check(95000, true) });
    await openSettings();
    await fireEvent.click(screen.getByText("Check the clock"));
    const result = await until(() => screen.getByText(/95\.0 s behind pool\.ntp\.org/));
    expect(result.textContent).toMatch(/Sites will refuse its codes/);
    expect(result.textContent).toMatch(/timedatectl set-ntp true/);
    expect(calls.filter((c) => c.cmd === "check_clock")).toHaveLength(1);
  });

  it("a right clock is said to be fine, and an unreachable server says so", async () => {
    let reachable = true;
    await renderApp({
      check_clock: () => {
        if (!reachable) throw { code: "clock_unreachable", message: "x", detail: "timed out" };
        return check(-800, false);
      },
    });
    await openSettings();
    await fireEvent.click(screen.getByText("Check the clock"));
    await until(() => expect(screen.getByText(/0\.8 s ahead of pool\.ntp\.org\. That is close enough/)).toBeTruthy());
    reachable = false;
    await fireEvent.click(screen.getByText("Check the clock"));
    await until(() => expect(screen.getByText(/Could not reach the time server/)).toBeTruthy());
  });

  it("changing the server saves it; the weekly check is opt-in", async () => {
    const { calls } = await renderApp({});
    await openSettings();
    const input = screen.getByLabelText("Time server") as HTMLInputElement;
    expect(input.value).toBe("pool.ntp.org");
    await fireEvent.input(input, { target: { value: "time.example.org" } });
    await fireEvent.change(input);
    await until(() => expect(calls.some((c) => c.cmd === "set_settings")).toBe(true));
    const saved = calls.find((c) => c.cmd === "set_settings")?.args.settings as { clock_server: string; clock_weekly: boolean };
    expect(saved.clock_server).toBe("time.example.org");
    expect(saved.clock_weekly).toBe(false);
    const weekly = screen.getByLabelText("Check once a week, when Ninsho starts") as HTMLInputElement;
    expect(weekly.checked).toBe(false);
  });

  it("the weekly check's wrong clock is told when it happens", async () => {
    await renderApp({});
    await until(() => expect(screen.getByText("No accounts yet")).toBeTruthy(), 8000);
    await emit("clock-wrong", check(-3600000, true));
    await until(() => expect(screen.getByText(/3600\.0 s ahead of pool\.ntp\.org/)).toBeTruthy());
  });
});
