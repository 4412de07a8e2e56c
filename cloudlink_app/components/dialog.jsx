// A modal question in a native <dialog> (issue 21: in place of Radix Themes' AlertDialog,
// whose stylesheet was 86 KB gzip on every page). Opened and closed from state through
// the `open` prop, so no script is ever sent from the server (the page runs under a
// Content-Security-Policy without 'unsafe-eval'); components/dialog.py renders it.
//
// - showModal(): the rest of the page is inert, Tab stays in the dialog, the browser
//   names it from aria-labelledby/aria-describedby and gives it role (alertdialog).
// - Focus goes to the element marked data-autofocus (the safe answer) on open, and back
//   to the element that opened it on close (unless the state moved focus elsewhere).
// - Escape closes the dialog natively; its "close" event tells the state through
//   onOpenChange(false), as Radix's did, so the state stays the one source of truth.
import { useEffect, useRef } from "react";

export function ConfirmDialog({
  open,
  onOpenChange,
  titleId,
  descriptionId,
  role,
  className,
  id,
  children,
}) {
  const ref = useRef(null);
  const opener = useRef(null);
  const wanted = useRef(open);
  const changed = useRef(onOpenChange);
  wanted.current = open;
  changed.current = onOpenChange;

  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) {
      return;
    }
    if (open && !dialog.open) {
      opener.current = document.activeElement;
      dialog.showModal();
      const first = dialog.querySelector("[data-autofocus]");
      if (first !== null) {
        first.focus();
      }
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) {
      return undefined;
    }
    const closed = () => {
      const back = opener.current;
      opener.current = null;
      const lost = document.activeElement === null || document.activeElement === document.body;
      if (back !== null && back.isConnected && lost) {
        back.focus();
      }
      // Closed by the browser (Escape) while the state still has it open.
      if (wanted.current && changed.current) {
        changed.current(false);
      }
    };
    dialog.addEventListener("close", closed);
    return () => dialog.removeEventListener("close", closed);
  }, []);

  return (
    <dialog
      ref={ref}
      id={id}
      role={role}
      aria-modal="true"
      aria-labelledby={titleId}
      aria-describedby={descriptionId}
      className={className}
    >
      {children}
    </dialog>
  );
}
