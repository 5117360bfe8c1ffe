// Tells Rust a person is using a window (a key, the pointer), at most once a second: the
// idle lock counts from the last use. Reading codes or typing a search asks Rust nothing else.
import { ipc } from "./ipc";

const EVERY_MS = 1000;

/** Starts reporting use in this window; returns the function that stops it. */
export function reportUse(): () => void {
  let last = 0;
  const used = () => {
    const now = Date.now();
    if (now - last < EVERY_MS) return;
    last = now;
    ipc.noteUse().catch(() => {});
  };
  window.addEventListener("keydown", used, true);
  window.addEventListener("pointerdown", used, true);
  return () => {
    window.removeEventListener("keydown", used, true);
    window.removeEventListener("pointerdown", used, true);
  };
}
