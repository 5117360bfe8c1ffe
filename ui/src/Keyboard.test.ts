// The keyboard path through the dialogs, and what a preview says when it found nothing.
import { fireEvent, screen } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import type { ScanPreview } from "./lib/ipc";
import { account, renderApp, until } from "./test/harness";

const found: ScanPreview = {
  token: "tok-1", source: "clipboard", file_name: null, codes_found: 1, notes: [], batches: [], format: null,
  items: [{ index: 0, issuer: "Forgejo", name: "Forgejo:alice", shown_name: "alice", kind: "totp", digits: 6, period: 30, duplicate_of: null }],
};

describe("keyboard first", () => {
  it("Ctrl+V opens the preview with its Add button focused, so Enter adds; Escape cancels", async () => {
    const { calls } = await renderApp({ paste: () => found, discard_import: () => null });
    await until(() => expect(screen.getByText("No accounts yet")).toBeTruthy(), 8000);
    await fireEvent.keyDown(window, { key: "v", ctrlKey: true });
    await until(() => expect(screen.getByText("Found 1 account")).toBeTruthy());
    expect(document.activeElement?.textContent).toBe("Add 1");
    expect(document.activeElement?.classList.contains("primary")).toBe(true);
    // The name repeats the issuer: shown without it.
    expect(screen.getByText("alice")).toBeTruthy();
    expect(screen.queryByText("Forgejo:alice")).toBeNull();
    await fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    await until(() => expect(screen.queryByText("Found 1 account")).toBeNull());
    expect(calls.some((c) => c.cmd === "discard_import" && c.args.token === "tok-1")).toBe(true);
  });

  it("Ctrl+W closes the window as its close button does (Rust decides: the tray or quit)", async () => {
    const { calls } = await renderApp({ list_accounts: () => [account("a1", "GitHub", "me")], "plugin:window|close": () => null });
    await until(() => expect(screen.getByText("GitHub")).toBeTruthy(), 8000);
    await fireEvent.keyDown(window, { key: "w", ctrlKey: true });
    await until(() => expect(calls.filter((c) => c.cmd === "plugin:window|close")).toHaveLength(1));
    expect(calls.find((c) => c.cmd === "plugin:window|close")?.args.label).toBe("main");
  });

  it("a dialog with a field opens on the field, never on its close button", async () => {
    await renderApp({ list_accounts: () => [account("a1", "GitHub", "me")] });
    await until(() => expect(screen.getByText("GitHub")).toBeTruthy(), 8000);
    await fireEvent.keyDown(window, { key: "n", ctrlKey: true });
    await until(() => expect(screen.getByText("Scan screen")).toBeTruthy());
    expect(document.activeElement?.getAttribute("aria-label")).not.toBe("Close");
    expect(document.activeElement?.tagName).toBe("BUTTON");
  });

  it("an image without a QR code says so first, then the tips", async () => {
    await renderApp({
      paste: () => ({ token: null, source: "clipboard", items: [], notes: [{ code: "no_qr", message: "x", what: null, detail: null, error: null }], batches: [], file_name: null, codes_found: 0, format: null }),
    });
    await until(() => expect(screen.getByText("No accounts yet")).toBeTruthy(), 8000);
    await fireEvent.keyDown(window, { key: "v", ctrlKey: true });
    const note = await until(() => screen.getByText(/^No QR code was found in this image\. Tips: zoom in/));
    expect(note).toBeTruthy();
    // Nothing to add: Enter on the focused button closes the dialog, which holds nothing.
    expect(document.activeElement?.textContent).toBe("Close");
  });

  it("a name that repeats its issuer is shown without it in the list; the stored name is edited", async () => {
    await renderApp({
      list_accounts: () => [account("a1", "Fastmail", "Fastmail:victor.r@corp.example.org", { shown_name: "victor.r@corp.example.org" })],
    });
    await until(() => expect(screen.getByText("victor.r@corp.example.org")).toBeTruthy(), 8000);
    expect(screen.queryByText("Fastmail:victor.r@corp.example.org")).toBeNull();
    expect(screen.getByLabelText(/^Fastmail, victor\.r@corp\.example\.org(, |$)/)).toBeTruthy();
  });
});
