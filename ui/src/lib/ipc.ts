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
import type { CopyResult } from "./bindings/CopyResult";
import type { ExportDone } from "./bindings/ExportDone";
import type { GoogleQrCodes } from "./bindings/GoogleQrCodes";
import type { ImportResult } from "./bindings/ImportResult";
import type { ManualEntry } from "./bindings/ManualEntry";
import type { ManualPreview } from "./bindings/ManualPreview";
import type { ScanPreview } from "./bindings/ScanPreview";
import type { Settings } from "./bindings/Settings";
import type { TransferQr } from "./bindings/TransferQr";
import type { FolderInfo } from "./bindings/FolderInfo";
import type { ClockCheck } from "./bindings/ClockCheck";
import type { FollowStep } from "./bindings/FollowStep";
import type { Report } from "./bindings/Report";
import type { SyncStatus } from "./bindings/SyncStatus";
import type { SyncReport } from "./bindings/SyncReport";
import type { SyncChoice } from "./bindings/SyncChoice";
import type { DeviceInfo } from "./bindings/DeviceInfo";

export type {
  AccountView,
  AppError,
  ErrorCode,
  ExportFormat,
  AppStatus,
  BackupStep,
  CodesSnapshot,
  CopyResult,
  ExportDone,
  GoogleQrCodes,
  ImportResult,
  ManualEntry,
  ManualPreview,
  ScanPreview,
  Settings,
  TransferQr,
  FolderInfo,
  ClockCheck,
  FollowStep,
  Report,
  SyncStatus,
  SyncReport,
  SyncChoice,
  DeviceInfo,
};

/** Whatever was thrown, as an AppError. */
export function asAppError(e: unknown): AppError {
  if (e && typeof e === "object" && "code" in e && "message" in e) return e as AppError;
  // Tauri answers a request it could not take (malformed arguments) with plain text.
  return { code: "invalid_request", message: String(e ?? ""), detail: null };
}

export const ipc = {
  appStatus: () => invoke<AppStatus>("app_status"),
  retryKeychain: () => invoke<AppStatus>("retry_keychain"),
  listAccounts: () => invoke<AccountView[]>("list_accounts"),
  getCodes: () => invoke<CodesSnapshot>("get_codes"),
  copyCode: (id: string, next = false) => invoke<CopyResult>("copy_code", { id, next }),
  scanScreen: () => invoke<ScanPreview>("scan_screen"),
  paste: () => invoke<ScanPreview>("paste"),
  openImage: () => invoke<ScanPreview | null>("open_image"),
  previewManual: (entry: ManualEntry) => invoke<ManualPreview>("preview_manual", { entry }),
  addManual: (entry: ManualEntry, force = false) => invoke<ImportResult>("add_manual", { entry, force }),
  confirmImport: (token: string, selected: number[], force = false) =>
    invoke<ImportResult>("confirm_import", { token, selected, force }),
  discardImport: (token: string) => invoke<void>("discard_import", { token }),
  trashSource: (token: string) => invoke<void>("trash_source", { token }),
  editAccount: (id: string, issuer: string, name: string) => invoke<AccountView>("edit_account", { id, issuer, name }),
  setPinned: (id: string, pinned: boolean) => invoke<void>("set_pinned", { id, pinned }),
  reorderAccounts: (ids: string[]) => invoke<void>("reorder_accounts", { ids }),
  deleteAccount: (id: string) => invoke<void>("delete_account", { id }),
  getRecoveryCodes: (id: string) => invoke<string[]>("get_recovery_codes", { id }),
  setRecoveryCodes: (id: string, codes: string[]) => invoke<number>("set_recovery_codes", { id, codes }),
  transferQr: (id: string) => invoke<TransferQr>("transfer_qr", { id }),
  restoreOrphans: (ids: string[]) => invoke<number>("restore_orphans", { ids }),
  deleteOrphan: (id: string) => invoke<void>("delete_orphan", { id }),
  getSettings: () => invoke<Settings>("get_settings"),
  setSettings: (settings: Settings) => invoke<Settings>("set_settings", { settings }),
  checkClock: () => invoke<ClockCheck>("check_clock"),
  hidePick: () => invoke<void>("hide_pick"),
  /** Closes this window as its close button does: into the tray where one is shown. */
  closeWindow: () => getCurrentWindow().close(),
  openBackup: () => invoke<BackupStep | null>("open_backup"),
  unlockBackup: (token: string, password: string) => invoke<ScanPreview>("unlock_backup", { token, password }),
  discardBackup: (token: string) => invoke<void>("discard_backup", { token }),
  exportVault: (format: ExportFormat, password: string | null) =>
    invoke<ExportDone | null>("export_vault", { format, password }),
  googleQrCodes: () => invoke<GoogleQrCodes>("google_qr_codes"),
  followedFolders: () => invoke<FolderInfo[]>("followed_folders"),
  followFolder: () => invoke<FollowStep | null>("follow_folder"),
  followUnlock: (token: string, password: string) => invoke<Report>("follow_unlock", { token, password }),
  discardFollow: (token: string) => invoke<void>("discard_follow", { token }),
  followPassword: (folder: string, password: string) => invoke<Report>("follow_password", { folder, password }),
  followCheck: (folder: string | null, acceptEmpty = false) =>
    invoke<Report[]>("follow_check", { folder, acceptEmpty }),
  unfollow: (folder: string) => invoke<FolderInfo>("unfollow", { folder }),
  resolveRemoved: (id: string, keep: boolean) => invoke<void>("resolve_removed", { id, keep }),
  syncStatus: () => invoke<SyncStatus | null>("sync_status"),
  syncChooseFolder: () => invoke<SyncChoice | null>("sync_choose_folder"),
  syncStart: (token: string, passphrase: string) => invoke<SyncReport>("sync_start", { token, passphrase }),
  discardSync: (token: string) => invoke<void>("discard_sync", { token }),
  syncNow: () => invoke<SyncReport>("sync_now"),
  syncLeave: () => invoke<void>("sync_leave"),
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
  onDragOver: (handler: (over: boolean) => void): Promise<UnlistenFn[]> =>
    Promise.all([
      listen("tauri://drag-enter", () => handler(true)),
      listen("tauri://drag-leave", () => handler(false)),
      listen("tauri://drag-drop", () => handler(false)),
    ]),
};
