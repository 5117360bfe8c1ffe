// Following a backup folder, as the window shows it: where accounts came from, an account the
// backup no longer holds, the folders in settings with their state, and the password prompt.
import { fireEvent, screen } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import type { FolderInfo, Report } from "./lib/ipc";
import type { FolderState } from "./lib/bindings/FolderState";
import type { Origin } from "./lib/bindings/Origin";
import { account, renderApp, until } from "./test/harness";

const origin = (extra: Partial<Origin> = {}): Origin => ({
  folder: "f1", path: "/home/mika/Sync/aegis", app: "Aegis", removed: null, edited_here: false, ...extra,
});

const folder = (state: FolderState, extra: Partial<FolderInfo> = {}): FolderInfo => ({
  id: "f1", path: "/home/mika/Sync/aegis", format: "aegis", app: "Aegis", encrypted: true, state,
  file: "aegis-backup-20261201-101530.json", checked: 1, applied_at: 1, accounts: 3, removed: 0, ...extra,
});

const report = (added: number): Report => ({
  folder: folder({ state: "ok" }), file: "aegis-backup-20261201-101530.json",
  added: Array.from({ length: added }, (_, i) => ({ id: `n${i}`, label: `New ${i}` })),
  updated: [], removed: [], returned: [], kept_local: [], skipped: [], failed: [],
});

describe("accounts from a followed folder", () => {
  it("say where they came from; one gone from the backup is kept, marked, and can be kept or deleted", async () => {
    const { calls } = await renderApp({
      list_accounts: () => [
        account("a1", "GitHub", "me", { source: origin() }),
        account("a2", "Bank", "me", { source: origin({ removed: 1796173441, edited_here: true }) }),
        account("a3", "Local", "me"),
      ],
      resolve_removed: () => undefined,
      delete_account: () => undefined,
    });
    // The first render of a file imports the whole app: give it time on a loaded machine.
    await until(() => expect(screen.getAllByText(/from Aegis/)).toHaveLength(2), 8000);
    expect(screen.getByText(/edited here/)).toBeTruthy();
    const notes = screen.getAllByText("Not in the newest Aegis backup");
    expect(notes).toHaveLength(1);
    await fireEvent.click(screen.getByText("Keep here"));
    await until(() => expect(calls.find((c) => c.cmd === "resolve_removed")).toBeTruthy());
    expect(calls.find((c) => c.cmd === "resolve_removed")?.args).toEqual({ id: "a2", keep: true });
    // Delete: Rust asks in a native dialog; the page asks nothing of its own.
    await fireEvent.click(screen.getByText("Delete…"));
    await until(() => expect(calls.find((c) => c.cmd === "delete_account")?.args).toEqual({ id: "a2" }));
  });
});

describe("followed folders in settings", () => {
  it("show each folder's state in words, and a changed password is asked for and kept", async () => {
    let password = "";
    const { calls } = await renderApp({
      followed_folders: () => [folder({ state: password === "right" ? "ok" : "needs_password" })],
      follow_password: (a) => {
        if (a.password !== "right") throw { code: "wrong_password", message: "Wrong password.", detail: null };
        password = "right";
        return report(1);
      },
    });
    await until(() => expect(screen.getByText("No accounts yet")).toBeTruthy(), 8000);
    await fireEvent.click(screen.getByLabelText("Settings"));
    await until(() => expect(screen.getByText(/The backups' password is needed/)).toBeTruthy());
    expect(screen.getByText(/Accounts from it: 3/)).toBeTruthy();
    await fireEvent.click(screen.getByText("Save password…"));
    const input = await until(() => screen.getByLabelText("Backup password") as HTMLInputElement);
    expect(document.activeElement).toBe(input);
    await fireEvent.input(input, { target: { value: "wrong" } });
    await fireEvent.submit(input.closest("form")!);
    await until(() => expect(screen.getByRole("alert").textContent).toMatch(/wrong password/i));
    await fireEvent.input(input, { target: { value: "right" } });
    await fireEvent.submit(input.closest("form")!);
    await until(() => expect(screen.getByText(/Accounts added: 1/)).toBeTruthy());
    expect(calls.filter((c) => c.cmd === "follow_password").map((c) => c.args)).toEqual([
      { folder: "f1", password: "wrong" },
      { folder: "f1", password: "right" },
    ]);
  });

  it("an empty newest backup is applied only when the person says so", async () => {
    const { calls } = await renderApp({
      followed_folders: () => [folder({ state: "empty", file: "aegis-backup-20261202-080000.json", accounts: 3 })],
      follow_check: () => [report(0)],
    });
    await until(() => expect(screen.getByText("No accounts yet")).toBeTruthy(), 8000);
    await fireEvent.click(screen.getByLabelText("Settings"));
    await until(() => expect(screen.getByText(/has no entries\. Nothing changed/)).toBeTruthy());
    await fireEvent.click(screen.getByText("Look now"));
    await fireEvent.click(screen.getByText("Apply the empty backup"));
    await until(() => expect(calls.filter((c) => c.cmd === "follow_check")).toHaveLength(2));
    expect(calls.filter((c) => c.cmd === "follow_check").map((c) => c.args.acceptEmpty)).toEqual([false, true]);
  });

  it("a backup that would mark most accounts removed says so and is applied only when asked", async () => {
    const { calls } = await renderApp({
      followed_folders: () => [folder({ state: "many_removed", file: "aegis-backup-20261202-080000.json", removed: 3, accounts: 4 })],
      follow_check: () => [report(0)],
    });
    await until(() => expect(screen.getByText("No accounts yet")).toBeTruthy(), 8000);
    await fireEvent.click(screen.getByLabelText("Settings"));
    await until(() => expect(screen.getByText(/no longer holds 3 of the 4 accounts from this folder\. Nothing changed/)).toBeTruthy());
    await fireEvent.click(screen.getByText("Apply this backup"));
    await until(() => expect(calls.filter((c) => c.cmd === "follow_check")).toHaveLength(1));
    expect(calls.find((c) => c.cmd === "follow_check")?.args.acceptEmpty).toBe(true);
  });

  it("following a folder of encrypted backups asks for their password", async () => {
    const { calls } = await renderApp({
      follow_folder: () => ({ report: null, password_token: "t1", app: "Aegis", folder: "aegis" }),
      follow_unlock: () => report(2),
    });
    await until(() => expect(screen.getByText("No accounts yet")).toBeTruthy(), 8000);
    await fireEvent.click(screen.getByLabelText("Settings"));
    await fireEvent.click(await until(() => screen.getByText("Follow a folder…")));
    const input = await until(() => screen.getByLabelText("Backup password") as HTMLInputElement);
    expect(screen.getByText(/The Aegis backups in “aegis” are encrypted/)).toBeTruthy();
    await fireEvent.input(input, { target: { value: "pw" } });
    await fireEvent.submit(input.closest("form")!);
    await until(() => expect(calls.find((c) => c.cmd === "follow_unlock")).toBeTruthy());
    await until(() => expect(screen.getByText("Following aegis. Accounts added: 2")).toBeTruthy(), 3000).catch((e) => {
      throw new Error(`${e}\n${JSON.stringify(calls.map((c) => c.cmd))}`);
    });
    expect(calls.find((c) => c.cmd === "follow_unlock")?.args).toEqual({ token: "t1", password: "pw" });
  });
});
