// Settings → Browsers: the paired browsers listed with when they paired and were last used,
// unpaired with one button (Rust is asked once), and the host installed for a chosen browser.
import { fireEvent, screen } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { renderApp, until } from "./test/harness";

describe("browsers in settings", () => {
  it("lists, unpairs and installs the host for a browser", async () => {
    let paired = [{ id: "p1", browser: "Chromium", paired: 1796000000, last_used: 1796003600 }];
    const { calls } = await renderApp({
      paired_browsers: () => paired,
      unpair_browser: () => {
        paired = [];
        return null;
      },
      install_browser_host: () => "/home/mika/.mozilla/native-messaging-hosts/io.ninsho.host.json",
    });
    await until(() => expect(screen.getByText("No accounts yet")).toBeTruthy(), 8000);
    await fireEvent.click(screen.getByLabelText("Settings"));
    const unpair = await until(() => screen.getByLabelText("Unpair Chromium"));
    const row = unpair.closest("li")!;
    expect(row.textContent).toMatch(/paired .*2026.* · last used .*2026/);
    await fireEvent.click(unpair);
    await until(() => expect(screen.getByText("No browser is paired.")).toBeTruthy());
    expect(calls.filter((c) => c.cmd === "unpair_browser").map((c) => c.args)).toEqual([{ id: "p1" }]);
    await fireEvent.change(screen.getByLabelText("Let this browser reach Ninsho:"), { target: { value: "firefox" } });
    await fireEvent.click(screen.getByText("Install"));
    await until(() => expect(screen.getByText(/Firefox can reach Ninsho now/)).toBeTruthy());
    expect(calls.find((c) => c.cmd === "install_browser_host")?.args).toEqual({ browser: "firefox" });
  });
});
