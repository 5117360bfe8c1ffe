// Typed calls into Rust. The types are generated from Rust (src/lib/bindings, by ts-rs); this
// file only names the commands. Rust answers errors as AppError {code, message, detail}.
import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { getCurrentWindow } from "@tauri-apps/api/window";
import type { AccountView } from "./bindings/AccountView";
import type { AppError } from "./bindings/AppError";
import type { AppEvent } from "./bindings/AppEvent";
import type { ErrorCode } from "./bindings/ErrorCode";
import type { ExportFormat } from "./bindings/ExportFormat";
import type { AppStatus } from "./bindings/AppStatus";
import type { BackupStep } from "./bindings/BackupStep";
import type { CodesSnapshot } from "./bindings/CodesSnapshot";
import type { CodeView } from "./bindings/CodeView";
import type { CopyResult } from "./bindings/CopyResult";
import type { ExportDone } from "./bindings/ExportDone";
import type { GoogleQrCodes } from "./bindings/GoogleQrCodes";
import type { ImportResult } from "./bindings/ImportResult";
import type { ManualEntry } from "./bindings/ManualEntry";
import type { ManualPreview } from "./bindings/ManualPreview";
import type { ScanPreview } from "./bindings/ScanPreview";
import type { Settings } from "./bindings/Settings";
import type { SettingsView } from "./bindings/SettingsView";
import type { TransferQr } from "./bindings/TransferQr";
import type { FolderInfo } from "./bindings/FolderInfo";
import type { ClockCheck } from "./bindings/ClockCheck";
import type { BrowserFilled } from "./bindings/BrowserFilled";
import type { FollowStep } from "./bindings/FollowStep";
import type { Report } from "./bindings/Report";
import type { SyncStatus } from "./bindings/SyncStatus";
import type { SyncReport } from "./bindings/SyncReport";
import type { SyncChoice } from "./bindings/SyncChoice";
import type { DeviceInfo } from "./bindings/DeviceInfo";
import type { KeychainView } from "./bindings/KeychainView";
import type { PairedView } from "./bindings/PairedView";
import type { LockStatus } from "./bindings/LockStatus";
import type { IconPackView } from "./bindings/IconPackView";
import type { IconPackImport } from "./bindings/IconPackImport";
import type { IconSuggestion } from "./bindings/IconSuggestion";

export type {
  AccountView,
  IconPackView,
  IconPackImport,
  IconSuggestion,
  LockStatus,
  AppError,
  ErrorCode,
  ExportFormat,
  AppStatus,
  BackupStep,
  CodesSnapshot,
  CodeView,
  CopyResult,
  ExportDone,
  GoogleQrCodes,
  ImportResult,
  ManualEntry,
  ManualPreview,
  ScanPreview,
  Settings,
  SettingsView,
  TransferQr,
  FolderInfo,
  ClockCheck,
  FollowStep,
  Report,
  SyncStatus,
  PairedView,
  SyncReport,
  SyncChoice,
  DeviceInfo,
  KeychainView,
};

/** Whatever was thrown, as an AppError. */
export function asAppError(e: unknown): AppError {
  if (e && typeof e === "object" && "code" in e && "message" in e) return e as AppError;
  // Tauri answers a request it could not take (malformed arguments) with plain text.
  return { code: "invalid_request", message: String(e ?? ""), detail: null };
}

/**
 * Every command Rust answers: its arguments and its answer. The names are checked against
 * `generate_handler!`, `build.rs` and the capabilities by `src-tauri/src/surface.rs`; the UI
 * test harness is typed by this map, so a renamed field fails the type check.
 */
export type Commands = {
  app_status: [Record<string, never>, AppStatus];
  retry_keychain: [Record<string, never>, AppStatus];
  list_accounts: [Record<string, never>, AccountView[]];
  get_codes: [Record<string, never>, CodesSnapshot];
  copy_code: [{ id: string; next: boolean }, CopyResult];
  scan_screen: [Record<string, never>, ScanPreview];
  // null: pasted files are opened as a drop is, and answered by the drop's events.
  paste: [Record<string, never>, ScanPreview | null];
  open_image: [Record<string, never>, ScanPreview | null];
  preview_manual: [{ entry: ManualEntry }, ManualPreview];
  add_manual: [{ entry: ManualEntry; force: boolean }, ImportResult];
  confirm_import: [{ token: string; selected: number[]; force: boolean }, ImportResult];
  discard_import: [{ token: string }, void];
  trash_source: [{ token: string }, void];
  edit_account: [{ id: string; issuer: string; name: string; domains: string[] }, AccountView];
  choose_account_icon: [{ id: string }, AccountView | null];
  paste_account_icon: [{ id: string }, AccountView];
  remove_account_icon: [{ id: string }, AccountView];
  icon_suggestions: [{ issuer: string }, IconSuggestion[]];
  choose_pack_icon: [{ id: string; pack: string; number: number }, AccountView];
  icon_packs: [Record<string, never>, IconPackView[]];
  // null: the chooser was closed.
  import_icon_pack: [Record<string, never>, IconPackImport | null];
  remove_icon_pack: [{ uuid: string }, IconPackView[]];
  set_pinned: [{ id: string; pinned: boolean }, void];
  reorder_accounts: [{ ids: string[] }, void];
  delete_account: [{ id: string }, void];
  get_recovery_codes: [{ id: string }, string[]];
  set_recovery_codes: [{ id: string; codes: string[] }, number];
  transfer_qr: [{ id: string }, TransferQr];
  restore_orphans: [{ ids: string[] }, number];
  delete_orphan: [{ id: string }, void];
  get_settings: [Record<string, never>, SettingsView];
  set_settings: [{ settings: Settings }, SettingsView];
  check_clock: [Record<string, never>, ClockCheck];
  hide_pick: [Record<string, never>, void];
  open_backup: [Record<string, never>, BackupStep | null];
  unlock_backup: [{ token: string; password: string }, ScanPreview];
  discard_backup: [{ token: string }, void];
  export_vault: [{ format: ExportFormat; password: string | null }, ExportDone | null];
  google_qr_codes: [Record<string, never>, GoogleQrCodes];
  followed_folders: [Record<string, never>, FolderInfo[]];
  follow_folder: [Record<string, never>, FollowStep | null];
  follow_unlock: [{ token: string; password: string }, Report];
  discard_follow: [{ token: string }, void];
  follow_password: [{ folder: string; password: string }, Report];
  follow_check: [{ folder: string | null; acceptEmpty: boolean }, Report[]];
  unfollow: [{ folder: string }, FolderInfo];
  resolve_removed: [{ id: string; keep: boolean }, void];
  sync_status: [Record<string, never>, SyncStatus | null];
  paired_browsers: [Record<string, never>, PairedView[]];
  unpair_browser: [{ id: string }, null];
  install_browser_host: [{ browser: string }, string];
  sync_choose_folder: [Record<string, never>, SyncChoice | null];
  sync_start: [{ token: string; passphrase: string }, SyncReport];
  discard_sync: [{ token: string }, void];
  sync_now: [Record<string, never>, SyncReport];
  sync_leave: [Record<string, never>, void];
  sync_change_passphrase: [{ passphrase: string }, SyncReport];
  lock_status: [Record<string, never>, LockStatus];
  note_use: [Record<string, never>, void];
  unlock_vault: [{ password: string }, LockStatus];
  lock_vault: [Record<string, never>, LockStatus];
  enable_lock: [{ password: string }, LockStatus];
  disable_lock: [Record<string, never>, LockStatus];
  change_lock_password: [{ password: string }, LockStatus];
  recover_vault: [{ recoveryKey: string; password: string }, LockStatus];
  unlock_by_system: [Record<string, never>, LockStatus];
  enable_system_unlock: [Record<string, never>, LockStatus];
  disable_system_unlock: [Record<string, never>, LockStatus];
};

type Args<K extends keyof Commands> = Commands[K][0];
/** What Rust answers to command `K`. */
export type Answer<K extends keyof Commands> = Commands[K][1];

/** One typed call: the command's name picks its arguments and its answer. */
function call<K extends keyof Commands>(
  cmd: K,
  ...args: Args<K> extends Record<string, never> ? [] : [Args<K>]
): Promise<Answer<K>> {
  return invoke<Answer<K>>(cmd, args[0]);
}

export const ipc = {
  appStatus: () => call("app_status"),
  retryKeychain: () => call("retry_keychain"),
  listAccounts: () => call("list_accounts"),
  getCodes: () => call("get_codes"),
  copyCode: (id: string, next = false) => call("copy_code", { id, next }),
  scanScreen: () => call("scan_screen"),
  paste: () => call("paste"),
  openImage: () => call("open_image"),
  previewManual: (entry: ManualEntry) => call("preview_manual", { entry }),
  addManual: (entry: ManualEntry, force = false) => call("add_manual", { entry, force }),
  confirmImport: (token: string, selected: number[], force = false) =>
    call("confirm_import", { token, selected, force }),
  discardImport: (token: string) => call("discard_import", { token }),
  trashSource: (token: string) => call("trash_source", { token }),
  editAccount: (id: string, issuer: string, name: string, domains: string[]) =>
    call("edit_account", { id, issuer, name, domains }),
  chooseAccountIcon: (id: string) => call("choose_account_icon", { id }),
  pasteAccountIcon: (id: string) => call("paste_account_icon", { id }),
  removeAccountIcon: (id: string) => call("remove_account_icon", { id }),
  iconSuggestions: (issuer: string) => call("icon_suggestions", { issuer }),
  choosePackIcon: (id: string, pack: string, number: number) => call("choose_pack_icon", { id, pack, number }),
  iconPacks: () => call("icon_packs"),
  importIconPack: () => call("import_icon_pack"),
  removeIconPack: (uuid: string) => call("remove_icon_pack", { uuid }),
  setPinned: (id: string, pinned: boolean) => call("set_pinned", { id, pinned }),
  reorderAccounts: (ids: string[]) => call("reorder_accounts", { ids }),
  deleteAccount: (id: string) => call("delete_account", { id }),
  getRecoveryCodes: (id: string) => call("get_recovery_codes", { id }),
  setRecoveryCodes: (id: string, codes: string[]) => call("set_recovery_codes", { id, codes }),
  transferQr: (id: string) => call("transfer_qr", { id }),
  restoreOrphans: (ids: string[]) => call("restore_orphans", { ids }),
  deleteOrphan: (id: string) => call("delete_orphan", { id }),
  getSettings: () => call("get_settings"),
  setSettings: (settings: Settings) => call("set_settings", { settings }),
  checkClock: () => call("check_clock"),
  hidePick: () => call("hide_pick"),
  /** Closes this window as its close button does: into the tray where one is shown. */
  closeWindow: () => getCurrentWindow().close(),
  openBackup: () => call("open_backup"),
  unlockBackup: (token: string, password: string) => call("unlock_backup", { token, password }),
  discardBackup: (token: string) => call("discard_backup", { token }),
  exportVault: (format: ExportFormat, password: string | null) =>
    call("export_vault", { format, password }),
  googleQrCodes: () => call("google_qr_codes"),
  followedFolders: () => call("followed_folders"),
  followFolder: () => call("follow_folder"),
  followUnlock: (token: string, password: string) => call("follow_unlock", { token, password }),
  discardFollow: (token: string) => call("discard_follow", { token }),
  followPassword: (folder: string, password: string) => call("follow_password", { folder, password }),
  followCheck: (folder: string | null, acceptEmpty = false) =>
    call("follow_check", { folder, acceptEmpty }),
  unfollow: (folder: string) => call("unfollow", { folder }),
  resolveRemoved: (id: string, keep: boolean) => call("resolve_removed", { id, keep }),
  syncStatus: () => call("sync_status"),
  pairedBrowsers: () => call("paired_browsers"),
  unpairBrowser: (id: string) => call("unpair_browser", { id }),
  installBrowserHost: (browser: string) => call("install_browser_host", { browser }),
  syncChooseFolder: () => call("sync_choose_folder"),
  syncStart: (token: string, passphrase: string) => call("sync_start", { token, passphrase }),
  discardSync: (token: string) => call("discard_sync", { token }),
  syncNow: () => call("sync_now"),
  syncLeave: () => call("sync_leave"),
  syncChangePassphrase: (passphrase: string) => call("sync_change_passphrase", { passphrase }),
  lockStatus: () => call("lock_status"),
  noteUse: () => call("note_use"),
  unlockVault: (password: string) => call("unlock_vault", { password }),
  lockVault: () => call("lock_vault"),
  enableLock: (password: string) => call("enable_lock", { password }),
  disableLock: () => call("disable_lock"),
  changeLockPassword: (password: string) => call("change_lock_password", { password }),
  recoverVault: (recoveryKey: string, password: string) => call("recover_vault", { recoveryKey, password }),
  unlockBySystem: () => call("unlock_by_system"),
  enableSystemUnlock: () => call("enable_system_unlock"),
  disableSystemUnlock: () => call("disable_system_unlock"),
};

/** Listens to an event Rust sends; the names are generated from Rust's AppEvent. */
function on<T>(event: AppEvent, handler: (payload: T) => void): Promise<UnlistenFn> {
  return listen<T>(event, (e) => handler(e.payload));
}

export const events = {
  onAccountsChanged: (handler: () => void): Promise<UnlistenFn> => on<null>("accounts-changed", () => handler()),
  onDropPreview: (handler: (preview: ScanPreview) => void): Promise<UnlistenFn> => on("drop-preview", handler),
  onDropBackup: (handler: (step: BackupStep) => void): Promise<UnlistenFn> => on("drop-backup", handler),
  onFollowChanged: (handler: () => void): Promise<UnlistenFn> => on<null>("follow-changed", () => handler()),
  onSyncChanged: (handler: () => void): Promise<UnlistenFn> => on<null>("sync-changed", () => handler()),
  onClockWrong: (handler: (check: ClockCheck) => void): Promise<UnlistenFn> => on("clock-wrong", handler),
  onPickOpened: (handler: () => void): Promise<UnlistenFn> => on<null>("pick-opened", () => handler()),
  onScanRequested: (handler: () => void): Promise<UnlistenFn> => on<null>("scan-requested", () => handler()),
  onBrowserFilled: (handler: (filled: BrowserFilled) => void): Promise<UnlistenFn> => on("browser-filled", handler),
  onDragOver: (handler: (over: boolean) => void): Promise<UnlistenFn[]> =>
    Promise.all([
      listen("tauri://drag-enter", () => handler(true)),
      listen("tauri://drag-leave", () => handler(false)),
      listen("tauri://drag-drop", () => handler(false)),
    ]),
};
