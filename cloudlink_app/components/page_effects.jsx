// What the server asks of the page beyond its content: the title, the html lang
// attribute, focus, and loading a URL anew from the server. Rendered once per page (components/page_effects.py) with props
// bound to SessionState, so no script is ever sent from the server to be evaluated:
// the page runs under a Content-Security-Policy without 'unsafe-eval'.
// And after a reconnect, what the user typed is sent again (replayTyped below).
import { useEffect, useRef } from "react";

// How often and how long to look for an element to focus (it may render in a later
// commit, or wait for a dialog to close).
const RETRY_MS = 20;
const TRIES = 100;
// domain/i18n.SHOWN_LANGUAGE_KEY (tests/unit/components check they agree).
const SHOWN_LANGUAGE_KEY = "cloudlink_lang";

function dialogInTheWay(element) {
  const dialog = document.querySelector("dialog[open]");
  return dialog !== null && !dialog.contains(element);
}

// Focus the element with this id once it exists and no dialog holds focus elsewhere;
// ``scroll`` centres it first (links that jump down the page).
export function focusElement(id, scroll = false, tries = TRIES) {
  const element = document.getElementById(id);
  if (element && !dialogInTheWay(element)) {
    if (scroll) {
      element.scrollIntoView({ block: "center" });
    }
    element.focus();
  } else if (tries > 0) {
    setTimeout(() => focusElement(id, scroll, tries - 1), RETRY_MS);
  }
}

// ----- what was typed survives a lost instance -------------------------------------
// An event reaches one app worker, which handles it and then writes the tab's state to
// Redis. When that worker dies (a crash, a machine lost), the events it had received
// and not yet written are gone with it, although the page shows what was typed. The
// tab reconnects to another worker, whose state lacks them: its full state (the
// reconnect's hydrate) blanks a field whose value the page had received back, and a
// field whose value never came back keeps showing text the server does not have (Next
// then says it is empty). So the page remembers the last value the user gave each
// field of this page, in order, and after a reconnect (the state hydrated again at the
// same history entry, for the same user) gives each again through the field's own handler, as
// if typed: the same events, in the same order, checked by the server as ever. Values
// the server already had are set to the same again. Passwords are not remembered.
const typed = new Map(); // field id -> {value, checked}, in the order last given
let typedPath = null; // the page the values were typed on

function remembered(element) {
  if (!(element instanceof HTMLElement) || !element.id || !element.closest("main")) {
    return false;
  }
  if (element instanceof HTMLSelectElement || element instanceof HTMLTextAreaElement) {
    return true;
  }
  return (
    element instanceof HTMLInputElement &&
    !["password", "file", "hidden", "submit", "button", "radio"].includes(element.type)
  );
}

let replaying = false; // the events of a replay are not remembered again

function rememberTyped(event) {
  const element = event.target;
  if (replaying || !remembered(element)) {
    return;
  }
  if (typedPath !== window.location.pathname) {
    typed.clear();
    typedPath = window.location.pathname;
  }
  typed.delete(element.id); // to the end: the order the values were last given
  typed.set(element.id, { value: element.value, checked: element.checked });
}

// React sees a change only when the value differs from the one it last saw: set a
// different one the way React observes it, then the value itself underneath. Then a
// field the user is not in is left, as the user left it: a debounced input sends its
// value at once (the one being typed in sends it after its pause, as ever).
function giveAgain(element, { value, checked }) {
  if (element instanceof HTMLInputElement && element.type === "checkbox") {
    if (element.checked !== checked) {
      element.click();
    }
    return;
  }
  const proto = Object.getPrototypeOf(element);
  const setValue = Object.getOwnPropertyDescriptor(proto, "value").set;
  if (element instanceof HTMLSelectElement) {
    setValue.call(element, value);
    element.dispatchEvent(new Event("change", { bubbles: true }));
    return;
  }
  element.value = value === "" ? "x" : ""; // not the value, whatever the input's type
  setValue.call(element, value);
  element.dispatchEvent(new Event("input", { bubbles: true }));
  if (element !== document.activeElement) {
    element.dispatchEvent(new FocusEvent("focusout", { bubbles: true }));
  }
}

function replayTyped() {
  if (typedPath !== window.location.pathname) {
    return 0;
  }
  let given = 0;
  replaying = true;
  try {
    for (const [id, entry] of typed) {
      const element = document.getElementById(id);
      if (element && remembered(element) && !element.disabled) {
        giveAgain(element, entry);
        given += 1;
      }
    }
  } finally {
    replaying = false;
  }
  if (given > 0) {
    console.debug(`cloudlink: ${given} typed values given again after a reconnect`);
  }
  return given;
}

// The history entry the page is at: React Router gives every navigation a new key, a
// link to the page itself included; a reconnect keeps it.
function historyEntry() {
  return `${window.location.pathname} ${window.history.state?.key ?? ""}`;
}

function useReplayAfterReconnect(hydrated, user) {
  const last = useRef({ hydrated: false, user: "", entry: "", again: false });
  useEffect(() => {
    // A page shown anew (a navigation mounts its effects again): nothing typed on it yet.
    typed.clear();
    typedPath = window.location.pathname;
    document.addEventListener("input", rememberTyped, true);
    document.addEventListener("change", rememberTyped, true);
    return () => {
      document.removeEventListener("input", rememberTyped, true);
      document.removeEventListener("change", rememberTyped, true);
    };
  }, []);
  useEffect(() => {
    const entry = historyEntry();
    const seen = last.current;
    if (!hydrated) {
      if (seen.hydrated && seen.entry === entry) {
        seen.again = true; // the same page hydrated again: a reconnect
      } else if (seen.hydrated) {
        typed.clear(); // a navigation, to this very page too: its form is loaded anew
      }
      seen.hydrated = false;
      return;
    }
    if (seen.again && seen.user === user && seen.entry === entry) {
      replayTyped();
    }
    last.current = { hydrated: true, user, entry, again: false };
  }, [hydrated, user]);
}

export function PageEffects({ title, lang, focusTarget, focusRequest, loadUrl, hydrated, user }) {
  useReplayAfterReconnect(hydrated, user);
  useEffect(() => {
    if (title) {
      document.title = title;
    }
  }, [title]);
  useEffect(() => {
    if (lang) {
      document.documentElement.lang = lang;
      // The next page's first paint is in it (components/first_paint.py).
      try {
        localStorage.setItem(SHOWN_LANGUAGE_KEY, lang);
      } catch (e) {
        // No storage (private mode, disabled): the browser's languages decide.
      }
    }
  }, [lang]);
  useEffect(() => {
    if (focusTarget && focusRequest) {
      focusElement(focusTarget);
    }
  }, [focusRequest]);
  useEffect(() => {
    if (loadUrl) {
      window.location.replace(loadUrl);
    }
  }, [loadUrl]);
  return null;
}
