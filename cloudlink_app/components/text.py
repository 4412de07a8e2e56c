"""Texts of the catalogs in the page, in the UI language of the moment.

``tx("button.next")`` is a Var that reads SessionState.lang in the browser: switching
the language re-renders the page in place (nothing is fetched, nothing typed is lost).
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


def tx(key: str, **params: object) -> Var:
    """The catalog text of ``key`` in the page's current UI language."""
    default = _formatted(key, DEFAULT_LANGUAGE, params)
    others = [
        (lang, _formatted(key, lang, params)) for lang in UI_LANGUAGES if lang != DEFAULT_LANGUAGE
    ]
    if not others:
        return default
    return rx.match(SessionState.lang, *others, default)
