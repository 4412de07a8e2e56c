"""What a handler asks the browser to do beyond the state: the page title, the html
``lang`` attribute, focus, and loading a page from the server. Each is a small script
run by ``rx.call_script``.

Element ids that handlers focus and components render are here too, so that a state
never imports a component to know them.
"""

from __future__ import annotations

import json

import reflex as rx
from reflex.vars import Var

from cloudlink_app.domain.i18n import UI_LANGUAGES, t

# The error summary at the top of a form (components/error_summary.py renders it).
SUMMARY_ID = "error-summary"
# The alert region that shows why an event was refused (components/notice.py).
NOTICE_ID = "notice"


def set_title(title_key: str, lang: str, error: bool = False):
    """Set the page title in ``lang``; "Error: " first while the page shows errors."""
    title = t(title_key, lang)
    if error:
        title = t("title.error_prefix", lang) + title
    return rx.call_script(f"document.title = {json.dumps(title)}")


def show_language(lang: str, title_key: str = ""):
    """The page in ``lang`` where the states cannot reach it: the html element's
    ``lang`` attribute and, when ``title_key`` is known, the title (its "Error: " /
    "Fout: " prefix kept while the page shows errors)."""
    script = f"document.documentElement.lang = {json.dumps(lang)};"
    if title_key:
        prefixes = sorted({t("title.error_prefix", other) for other in UI_LANGUAGES})
        script += (
            "(function(){var t=document.title;"
            f"var error={json.dumps(prefixes)}.some(function(p){{return t.indexOf(p)===0;}});"
            f"document.title=(error?{json.dumps(t('title.error_prefix', lang))}:'')"
            f"+{json.dumps(t(title_key, lang))};}})();"
        )
    return rx.call_script(script)


def focus_element(element_id: str | Var, scroll: bool = False):
    """Focus an element once React has rendered it (it may be new in this update).

    ``element_id`` is a Python string (from a handler) or a string Var (in a page);
    ``scroll`` centres it first, for links that jump down the page.
    """
    target = element_id.to_string() if isinstance(element_id, Var) else json.dumps(element_id)
    scroll_js = "e.scrollIntoView({block:'center'});" if scroll else ""
    return rx.call_script(
        "(function f(n){const e=document.getElementById(" + target + ");"
        "if(e){" + scroll_js + "e.focus();}"
        "else if(n>0){setTimeout(function(){f(n-1)},20);}})(50)"
    )


def focus_after_dialog(element_id: str):
    """Focus an element once the confirmation dialog has gone: the dialog restores
    focus to nothing when it closes, and an element outside it cannot take focus
    while it is still open."""
    return rx.call_script(
        "(function f(n){if(document.querySelector('[role=alertdialog]')&&n>0)"
        "{setTimeout(function(){f(n-1)},20);return;}"
        "const e=document.getElementById(" + json.dumps(element_id) + ");"
        "if(e){e.focus();}else if(n>0){setTimeout(function(){f(n-1)},20);}})(100)"
    )


def load_from_server(url: str):
    """Load ``url`` anew from the server, in place of this page in the tab's history.

    For an endpoint of the backend: rx.redirect navigates inside the app, without
    asking the server, when the URL is on the page's own host (production serves pages
    and backend on one)."""
    return rx.call_script(f"window.location.replace({json.dumps(url)})")
