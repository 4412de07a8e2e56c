"""The page's first script: ``<html lang>`` set before anything paints, so the
prerendered page shows its texts in the tab's language (issue 21).

Every text of the prerendered HTML is there in each UI language (components/text.py);
assets/styles.css shows those of ``<html lang>`` only (``[data-tx]``). This script, in
the ``<head>`` before the stylesheet applies, sets it by the rule the server uses to choose a page's
language (state/session.SessionState._chosen_language), as far as the browser knows
it: the language it showed last (its local storage, written by
components/page_effects.jsx), else the one chosen with the language switch, else the
first of the browser's languages the app has (what Accept-Language says), else
English. Only the signed-in user's saved language is the server's alone: a browser
that never showed it paints in its own first and then re-words once.

It is an inline script: the Content-Security-Policy allows it by its hash, computed
from the built pages (http/headers.inline_script_hashes).
"""

from __future__ import annotations

import json

import reflex as rx

from cloudlink_app.domain.i18n import DEFAULT_LANGUAGE, SHOWN_LANGUAGE_KEY, UI_LANGUAGES


def _script() -> str:
    languages = json.dumps(list(UI_LANGUAGES))
    stored = json.dumps([SHOWN_LANGUAGE_KEY, "ui_lang"])
    return (
        "(function(){var d=document.documentElement,L=" + languages + ",l=null;"
        "try{var k=" + stored + ";for(var i=0;i<k.length&&l===null;i++){"
        "var v=localStorage.getItem(k[i]);if(L.indexOf(v)>=0)l=v;}}catch(e){}"
        "if(l===null){var n=navigator.languages||[navigator.language||''];"
        "for(var j=0;j<n.length&&l===null;j++){var p=String(n[j]).split('-')[0]"
        ".toLowerCase();if(L.indexOf(p)>=0)l=p;}}"
        "d.lang=l||" + json.dumps(DEFAULT_LANGUAGE) + ";})();"
    )


def language_before_paint() -> rx.Component:
    """The ``<head>`` script that sets ``<html lang>`` before the first paint."""
    # rx.el.script, a plain <script>: rx.script would wrap it in react-helmet (6 KiB).
    return rx.el.script(_script())
