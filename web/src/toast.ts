/** Unobtrusive notices in a corner: server errors (with their code) and connection news. */
import { h } from "./dom.js";

const VISIBLE_MS = 5000;
const MAX_VISIBLE = 4;

let container: HTMLElement | undefined;

function host(): HTMLElement {
  if (!container) {
    container = h("div", { class: "toasts", "data-testid": "toasts", role: "status", "aria-live": "polite" });
    document.body.append(container);
  }
  return container;
}

/** Shows a server error such as `INVALID_MOVE: zone 3 is not adjacent`. */
export function showError(code: string, message: string): void {
  show(h("div", { class: "toast toast-error", "data-testid": "error-toast", "data-code": code }, h("strong", {}, code), " ", message));
}

/** Shows a neutral notice. */
export function showNotice(message: string): void {
  show(h("div", { class: "toast", "data-testid": "notice-toast" }, message));
}

function show(toast: HTMLElement): void {
  const box = host();
  box.append(toast);
  while (box.childElementCount > MAX_VISIBLE) box.firstElementChild?.remove();
  setTimeout(() => {
    toast.classList.add("toast-leaving");
    setTimeout(() => toast.remove(), 400);
  }, VISIBLE_MS);
}
