// After ten seconds without input the search field gives up its focus, so its caret stops
// blinking, as the caret of GTK's own text fields stops (gtk-cursor-blink-timeout). WebKit blinks
// a focused field's caret forever and each blink is a repaint: at rest that was about as much
// work as everything else on the page. Nothing changes for the person: typing anywhere goes to
// the search field, and Enter copies the selected code either way.

const EVENTS = ["keydown", "pointerdown", "pointermove", "input"] as const;

/** Calls `rest` after `afterMs` without input, again after each later pause; returns a stop function. */
export function resting(rest: () => void, afterMs = 10_000): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const wake = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(rest, afterMs);
  };
  for (const e of EVENTS) window.addEventListener(e, wake, { capture: true, passive: true });
  wake();
  return () => {
    for (const e of EVENTS) window.removeEventListener(e, wake, { capture: true });
    if (timer) clearTimeout(timer);
  };
}
