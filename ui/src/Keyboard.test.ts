// The keyboard path through the dialogs, and what a preview says when it found nothing.
import { fireEvent, screen, within } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import type { ScanPreview } from "./lib/ipc";
import { account, renderApp, until } from "./test/harness";

const found: ScanPreview = {
  token: "tok-1", source: "clipboard", file_name: null, codes_found: 1, notes: [], batches: [], format: null,
  items: [{ index: 0, issuer: "Forgejo", name: "Forgejo:alice", shown_name: "alice", kind: "totp", digits: 6, period: 30, duplicate_of: null, repeats: null }],
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

describe("a dialog keeps the focus while it is open", { timeout: 20000 }, () => {
  const actions = "Actions for GitHub (alice@example.com)";

  /** The edit dialog, opened from the row menu's ⋮ button (returned too). */
  async function openEdit() {
    const r = await renderApp({
      list_accounts: () => [account("a1", "GitHub", "alice@example.com")],
      edit_account: (a) => account(a.id, a.issuer, a.name),
    });
    const more = await until(() => screen.getByLabelText(actions), 8000);
    await fireEvent.click(more);
    await fireEvent.click(await until(() => screen.getByText("Edit")));
    const dialog = await until(() => screen.getByRole("dialog", { name: "Edit account" }));
    return { ...r, more, dialog };
  }

  it("Tab from the last control comes round to the first, Shift+Tab from the first to the last", async () => {
    const { dialog } = await openEdit();
    expect(document.activeElement).toBe(within(dialog).getByLabelText("Issuer"));
    const close = within(dialog).getByLabelText("Close");
    const save = within(dialog).getByText("Save");
    save.focus();
    expect(await fireEvent.keyDown(save, { key: "Tab" })).toBe(false);
    expect(document.activeElement).toBe(close);
    expect(await fireEvent.keyDown(close, { key: "Tab", shiftKey: true })).toBe(false);
    expect(document.activeElement).toBe(save);
    // In between, Tab is left to the webview.
    const name = within(dialog).getByLabelText("Account name");
    name.focus();
    expect(await fireEvent.keyDown(name, { key: "Tab" })).toBe(true);
    expect(await fireEvent.keyDown(name, { key: "Tab", shiftKey: true })).toBe(true);
    expect(document.activeElement).toBe(name);
  });

  it("the page behind is inert while a dialog is open, and the live region still heard", async () => {
    const { dialog, more } = await openEdit();
    expect(screen.getByLabelText("Search accounts by issuer or name").closest("[inert]")).toBeTruthy();
    expect(more.closest("[inert]")).toBeTruthy();
    expect(dialog.closest("[inert]")).toBeNull();
    expect(screen.getByRole("status").closest("[inert]")).toBeNull();
    await fireEvent.keyDown(dialog, { key: "Escape" });
    await until(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(document.querySelector("[inert]")).toBeNull();
  });

  it("closed with Escape, the dialog gives the focus back to the button that opened it", async () => {
    const { dialog, more } = await openEdit();
    expect(document.activeElement).not.toBe(more);
    await fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    await until(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(dialog.isConnected).toBe(false);
    expect(document.activeElement).toBe(more);
  });

  it("closed by its primary action, the dialog gives the focus back to the button that opened it", async () => {
    const { dialog, calls } = await openEdit();
    await fireEvent.click(within(dialog).getByText("Save"));
    await until(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(calls.some((c) => c.cmd === "edit_account")).toBe(true);
    // The list was read again: the button is the row's, as it is now.
    expect(document.activeElement).toBe(screen.getByLabelText(actions));
  });

  it("a dialog opened from the toolbar gives the focus back to its button", async () => {
    await renderApp({});
    await until(() => screen.getByText("No accounts yet"), 8000);
    const settings = screen.getByLabelText("Settings");
    settings.focus();
    await fireEvent.click(settings);
    const dialog = await until(() => screen.getByRole("dialog", { name: "Settings" }));
    await fireEvent.keyDown(dialog, { key: "Escape" });
    await until(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(document.activeElement).toBe(settings);
  });

  it("a dialog that leads to the next one: the focus goes back to what opened the first", async () => {
    const shot: ScanPreview = { ...found, token: "tok-2", source: "file", file_name: "shot.png" };
    await renderApp({ open_image: () => shot, confirm_import: () => ({ added: 1, skipped: [], repeated: [], errors: [] }), trash_source: () => undefined });
    await until(() => screen.getByText("No accounts yet"), 8000);
    const add = screen.getByLabelText("Add account");
    add.focus();
    await fireEvent.click(add);
    await fireEvent.click(await until(() => screen.getByText("Open image…")));
    await fireEvent.click(await until(() => screen.getByText("Add 1")));
    await until(() => screen.getByText(/Move shot\.png to the trash/));
    await fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    await until(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(document.activeElement).toBe(add);
  });

  it("the ⋮ button says whether its menu is open", async () => {
    await renderApp({ list_accounts: () => [account("a1", "GitHub", "alice@example.com")] });
    const more = await until(() => screen.getByLabelText(actions), 8000);
    expect(more.getAttribute("aria-haspopup")).toBe("menu");
    expect(more.getAttribute("aria-expanded")).toBe("false");
    await fireEvent.click(more);
    const menu = await until(() => screen.getByRole("menu"));
    expect(more.getAttribute("aria-expanded")).toBe("true");
    await fireEvent.keyDown(menu, { key: "Escape" });
    await until(() => expect(more.getAttribute("aria-expanded")).toBe("false"));
  });
});

describe("a dialog opened from another", () => {
  it("traps the focus itself, and gives it back to the outer dialog when it closes", async () => {
    const { render } = await import("@testing-library/svelte");
    const { default: Nested } = await import("./test/NestedDialogs.svelte");
    render(Nested);
    const opener = screen.getByText("Open outer");
    opener.focus();
    await fireEvent.click(opener);
    const outer = await until(() => screen.getByRole("dialog", { name: "Outer" }));
    const open = within(outer).getByText("Open inner");
    expect(document.activeElement).toBe(open);
    await fireEvent.click(open);
    const inner = await until(() => screen.getByRole("dialog", { name: "Inner" }));
    expect(document.activeElement).toBe(within(inner).getByLabelText("Inner field"));
    // The outer dialog's own controls are out of reach; Tab goes round the inner one.
    expect(open.closest("[inert]")).toBeTruthy();
    expect(opener.closest("[inert]")).toBeTruthy();
    const done = within(inner).getByText("Done");
    done.focus();
    await fireEvent.keyDown(done, { key: "Tab" });
    expect(document.activeElement).toBe(within(inner).getByLabelText("Close"));
    // Escape closes the inner one only, and the outer one has the focus again.
    await fireEvent.keyDown(document.activeElement!, { key: "Escape" });
    await until(() => expect(screen.queryByRole("dialog", { name: "Inner" })).toBeNull());
    expect(screen.getByRole("dialog", { name: "Outer" })).toBe(outer);
    expect(document.activeElement).toBe(open);
    expect(open.closest("[inert]")).toBeNull();
    expect(opener.closest("[inert]")).toBeTruthy();
    await fireEvent.keyDown(open, { key: "Escape" });
    await until(() => expect(screen.queryByRole("dialog")).toBeNull());
    expect(document.activeElement).toBe(opener);
    expect(document.querySelector("[inert]")).toBeNull();
  });
});
