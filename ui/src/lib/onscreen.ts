// Whether an element is in the visible part of the list. Rows scrolled out of view drop their
// countdown ring (and its animation) until they come back; where IntersectionObserver does not
// exist, everything counts as visible.

type Callback = (visible: boolean) => void;
const callbacks = new Map<Element, Callback>();
let observer: IntersectionObserver | null = null;

function shared(): IntersectionObserver | null {
  if (typeof IntersectionObserver === "undefined") return null;
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const e of entries) callbacks.get(e.target)?.(e.isIntersecting);
    },
    { rootMargin: "120px 0px" },
  );
  return observer;
}

/** Svelte action: `use:onscreen={(visible) => ...}`. */
export function onscreen(node: Element, callback: Callback) {
  const obs = shared();
  if (!obs) {
    callback(true);
    return {};
  }
  callbacks.set(node, callback);
  obs.observe(node);
  return {
    update(next: Callback) {
      callbacks.set(node, next);
    },
    destroy() {
      callbacks.delete(node);
      obs.unobserve(node);
    },
  };
}
