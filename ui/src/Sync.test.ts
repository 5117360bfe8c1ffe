// Sync with a folder, as the settings page shows it: the folder chosen natively, a new
// passphrase asked twice, a wrong one to join kept in the prompt, the computers listed, a
// problem said in words, and leaving.
import { fireEvent, screen } from "@testing-library/svelte";
import { describe, expect, it } from "vitest";
import { renderApp, until } from "./test/harness";

const status = (extra: Record<string, unknown> = {}) => ({
  folder: "/home/mika/Sync", device: "d1", name: "desk",
  devices: [
    { id: "d1", name: "desk", updated: 1796173441000, accounts: 3, this_device: true },
    { id: "d2", name: "laptop", updated: 1796173000000, accounts: 1, this_device: false },
  ],
  last_merge: 1796173441000, skipped: [], problem: null, problem_code: null, ...extra,
});

const report = (added: number) => ({
  added: Array.from({ length: added }, (_, i) => ({ id: `n${i}`, label: `New ${i}` })),
  updated: [], deleted: [], counters: 0, sent: 0, published: true, skipped: [], failed: [],
});

describe("sync in settings", () => {
  it("a new folder's passphrase is asked twice and must match before anything is sent", async () => {
    let syncing = false;
    const { calls } = await renderApp({
      sync_status: () => (syncing ? status() : null),
      sync_choose_folder: () => ({ token: "t1", folder: "Sync", join: false }),
      sync_start: () => {
        syncing = true;
        return report(0);
      },
    });
    await until(() => expect(screen.getByText("No accounts yet")).toBeTruthy(), 8000);
    await fireEvent.click(screen.getByLabelText("Settings"));
    await until(() => expect(screen.getByText("This computer does not sync.")).toBeTruthy());
    await fireEvent.click(screen.getByText("Choose a folder…"));
    const first = await until(() => screen.getByLabelText("Passphrase") as HTMLInputElement);
    expect(document.activeElement).toBe(first);
    const second = screen.getByLabelText("The passphrase again") as HTMLInputElement;
    await fireEvent.input(first, { target: { value: "correct horse battery" } });
    await fireEvent.input(second, { target: { value: "correct horse batter" } });
    expect(screen.getByText("The two passphrases differ.")).toBeTruthy();
    const start = screen.getByText("Set up sync") as HTMLButtonElement;
    expect(start.disabled).toBe(true);
    await fireEvent.submit(first.closest("form")!);
    expect(calls.some((c) => c.cmd === "sync_start")).toBe(false);
    await fireEvent.input(second, { target: { value: "correct horse battery" } });
    await fireEvent.submit(second.closest("form")!);
    await until(() => expect(screen.getByText(/Syncing with Sync/)).toBeTruthy());
    expect(calls.filter((c) => c.cmd === "sync_start").map((c) => c.args)).toEqual([
      { token: "t1", passphrase: "correct horse battery" },
    ]);
    await until(() => expect(screen.getByText(/laptop: 1 account, updated/)).toBeTruthy());
    expect(screen.getByText(/desk \(this computer\): 3 accounts/)).toBeTruthy();
  });

  it("joining with a wrong passphrase keeps the prompt open and says so", async () => {
    let tries = 0;
    await renderApp({
      sync_status: () => null,
      sync_choose_folder: () => ({ token: "t2", folder: "Sync", join: true }),
      sync_start: () => {
        tries += 1;
        if (tries === 1) throw { code: "sync_wrong_passphrase", message: "Wrong passphrase.", detail: null };
        return report(2);
      },
    });
    await until(() => expect(screen.getByText("No accounts yet")).toBeTruthy(), 8000);
    await fireEvent.click(screen.getByLabelText("Settings"));
    await fireEvent.click(await until(() => screen.getByText("Choose a folder…")));
    const input = await until(() => screen.getByLabelText("Passphrase") as HTMLInputElement);
    expect(screen.queryByLabelText("The passphrase again")).toBeNull();
    await fireEvent.input(input, { target: { value: "nope nope nope" } });
    await fireEvent.submit(input.closest("form")!);
    await until(() => expect(screen.getByRole("alert").textContent).toMatch(/Wrong passphrase for this sync folder/));
    await fireEvent.input(input, { target: { value: "the right one" } });
    await fireEvent.submit(input.closest("form")!);
    await until(() => expect(screen.getByText(/Accounts added here: 2/)).toBeTruthy());
  });

  it("a folder that is gone is said in words, and leaving asks Rust once", async () => {
    let left = false;
    const { calls } = await renderApp({
      sync_status: () =>
        left ? null : status({ problem: "the sync folder /home/mika/Sync is gone", problem_code: "sync_folder_gone" }),
      sync_leave: () => {
        left = true;
        return null;
      },
    });
    await until(() => expect(screen.getByText("No accounts yet")).toBeTruthy(), 8000);
    await fireEvent.click(screen.getByLabelText("Settings"));
    await until(() => expect(screen.getByText(/The sync folder is gone or not mounted/)).toBeTruthy());
    await fireEvent.click(screen.getByText("Stop syncing"));
    await until(() => expect(screen.getByText("This computer does not sync.")).toBeTruthy());
    expect(calls.filter((c) => c.cmd === "sync_leave")).toHaveLength(1);
  });

  it("a new passphrase for the folder is asked twice, then Rust asks the person and rekeys", async () => {
    const { calls } = await renderApp({
      sync_status: () => status(),
      sync_change_passphrase: () => report(0),
    });
    await until(() => expect(screen.getByText("No accounts yet")).toBeTruthy(), 8000);
    await fireEvent.click(screen.getByLabelText("Settings"));
    await fireEvent.click(await until(() => screen.getByText("New passphrase…")));
    await until(() => expect(screen.getByText("A new passphrase for the sync folder")).toBeTruthy());
    const first = screen.getByLabelText("Passphrase") as HTMLInputElement;
    const second = screen.getByLabelText("The passphrase again") as HTMLInputElement;
    await fireEvent.input(first, { target: { value: "another long passphrase" } });
    await fireEvent.input(second, { target: { value: "another long passphrase" } });
    await fireEvent.submit(second.closest("form")!);
    await until(() => expect(calls.find((c) => c.cmd === "sync_change_passphrase")?.args).toEqual({ passphrase: "another long passphrase" }));
    await until(() => expect(screen.getByText(/The folder has a new passphrase/)).toBeTruthy());
    expect(calls.some((c) => c.cmd === "sync_start" || c.cmd === "discard_sync")).toBe(false);
  });

  it("a status that cannot be read is said as such, never as \"does not sync\"", async () => {
    let busy = false;
    await renderApp({
      sync_status: () => {
        if (busy) throw { code: "vault_busy", message: "busy", detail: null };
        return status();
      },
      sync_now: () => {
        busy = true;
        return report(0);
      },
    });
    await until(() => expect(screen.getByText("No accounts yet")).toBeTruthy(), 8000);
    await fireEvent.click(screen.getByLabelText("Settings"));
    await until(() => expect(screen.getByText(/laptop: 1 account, updated/)).toBeTruthy());
    await fireEvent.click(screen.getByText("Sync now"));
    await until(() => expect(screen.getAllByRole("alert").some((a) => /Another Ninsho .* is busy/.test(a.textContent ?? ""))).toBe(true));
    expect(screen.queryByText("This computer does not sync.")).toBeNull();
    expect(screen.getByText(/laptop: 1 account, updated/)).toBeTruthy();
  });
});
