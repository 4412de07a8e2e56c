// What the server asks of the page beyond its content: the title, the html lang
// attribute, focus, and loading a URL anew from the server. Rendered once per page (components/page_effects.py) with props
// bound to SessionState, so no script is ever sent from the server to be evaluated:
// the page runs under a Content-Security-Policy without 'unsafe-eval'.
import { useEffect } from "react";

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

export function PageEffects({ title, lang, focusTarget, focusRequest, loadUrl }) {
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
