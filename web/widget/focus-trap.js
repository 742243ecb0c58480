const focusable =
  'button:not([disabled]), textarea:not([disabled]), a[href], [tabindex]:not([tabindex="-1"])';

/**
 * Keeps keyboard focus inside `container` (a modal dialog in `root`, a shadow
 * root) while it is open: Tab from the last control goes to the first, and
 * Shift+Tab from the first to the last; Escape calls `onEscape`.
 */
export function trapFocus(root, container, onEscape) {
  container.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      event.preventDefault();
      onEscape();
      return;
    }
    if (event.key !== "Tab") return;
    const controls = [...container.querySelectorAll(focusable)].filter(
      (control) => control.getClientRects().length > 0,
    );
    if (controls.length === 0) return;
    const first = controls[0];
    const last = controls[controls.length - 1];
    const active = root.activeElement;
    if (event.shiftKey && (active === first || !container.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !container.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  });
}
