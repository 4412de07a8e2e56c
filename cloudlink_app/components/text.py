"""Texts of the catalogs in the page, in the UI language of the moment.

``tx("button.next")`` is a text of the page (text.jsx's ``Tx``) that reads
SessionState.lang in the browser: switching the language re-renders the page in place
(nothing is fetched, nothing typed is lost). Until the tab's state arrives it holds
every language's text and the stylesheet shows the one of ``<html lang>``, which the
page's first script sets before the first paint (components/first_paint.py), so the
prerendered page already paints in the tab's language (issue 21).

``tx_text`` is the same text as a string Var, for attributes (``aria-label``), select
options and concatenations, where an element cannot go; it reads the language only.
Every language's text is compiled into the page; a parameter may be a Var of the page
(``tx("admin.row", n=index + 1)``) or a plain value.
"""

from __future__ import annotations

import string

import reflex as rx
from reflex.vars import Var

from cloudlink_app.domain.i18n import DEFAULT_LANGUAGE, UI_LANGUAGES, t
from cloudlink_app.state.session import SessionState


def _formatted(key: str, lang: str, params: dict[str, object]) -> Var:
    """The text of ``key`` in ``lang`` with ``params`` filled in (Vars stay Vars)."""
    if not any(isinstance(value, Var) for value in params.values()):
        return Var.create(t(key, lang, **params))
    template = t(key, lang)  # unformatted: its {name} fields are filled below
    parts: list[Var] = []
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        if literal:
            parts.append(Var.create(literal))
        if name is not None:
            value = params[name]
            parts.append(value.to_string() if isinstance(value, Var) else Var.create(str(value)))
    result = parts[0] if parts else Var.create("")
    for part in parts[1:]:
        result = result + part
    return result


_MODULE = rx.asset("text.jsx", shared=True).importable_path


class Tx(rx.Component):
    """<Tx texts={{en, nl}} lang ready/>: the text in ``lang`` once ``ready``."""

    library = _MODULE
    tag = "Tx"

    texts: Var[dict[str, str]]
    lang: Var[str]
    ready: Var[bool]


def tx(key: str, **params: object) -> rx.Component:
    """The catalog text of ``key`` in the tab's UI language, painted in it before the
    state arrives (see the module's docstring)."""
    texts = {lang: _formatted(key, lang, params) for lang in UI_LANGUAGES}
    return Tx.create(texts=texts, lang=SessionState.lang, ready=rx.State.is_hydrated)


def tx_text(key: str, **params: object) -> Var:
    """The catalog text of ``key`` in the page's current UI language, as a string."""
    default = _formatted(key, DEFAULT_LANGUAGE, params)
    others = [
        (lang, _formatted(key, lang, params)) for lang in UI_LANGUAGES if lang != DEFAULT_LANGUAGE
    ]
    if not others:
        return default
    return rx.match(SessionState.lang, *others, default)
