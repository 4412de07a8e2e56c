"""Every text a page shows comes from the catalogs, in the page's current language.

Each page's component tree (as the app registers it) is walked: a text child or a
text-bearing property (aria-label, placeholder, title, alt, label) that is a fixed
string with letters in it was written into the page, so it would never change with the
language. Texts from the catalogs are Vars of the UI language (components/text.tx) and
never fixed strings. Allowed: strings without letters (". ", " (", numbers) and the
language switch's names, each written in its own language on purpose
(i18n.LANGUAGE_NAMES).
"""

from __future__ import annotations

import reflex as rx
from reflex.vars.base import LiteralVar
from reflex_base.components.component import Component
from reflex_components_core.base.bare import Bare

from cloudlink_app.cloudlink_app import app
from cloudlink_app.domain.i18n import LANGUAGE_NAMES

TEXT_PROPS = ("aria_label", "placeholder", "title", "alt", "label")
ALLOWED = set(LANGUAGE_NAMES.values())


def _fixed(value: object) -> str | None:
    if isinstance(value, LiteralVar) and isinstance(getattr(value, "_var_value", None), str):
        return value._var_value
    return value if isinstance(value, str) else None


def _components(value: object):
    if isinstance(value, Component):
        yield value
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _components(item)


def fixed_texts(component: Component, seen: set[int] | None = None) -> set[tuple[str, str]]:
    """(where, text) of every fixed text with letters in ``component``'s tree."""
    seen = set() if seen is None else seen
    if id(component) in seen:
        return set()
    seen.add(id(component))
    found = set()
    candidates = []
    if isinstance(component, Bare):
        candidates.append(("text", _fixed(component.contents)))
    candidates += [(prop, _fixed(getattr(component, prop, None))) for prop in TEXT_PROPS]
    # aria-* and other attributes Reflex keeps as custom attributes.
    custom = getattr(component, "custom_attrs", None) or {}
    candidates += [
        (name, _fixed(value))
        for name, value in custom.items()
        if name.replace("-", "_") in TEXT_PROPS
    ]
    for where, text in candidates:
        if text and any(ch.isalpha() for ch in text) and text not in ALLOWED:
            found.add((f"{type(component).__name__}.{where}", text))
    # Children, and the branches of conditions and matches kept in other attributes.
    for value in vars(component).values():
        for child in _components(value):
            found |= fixed_texts(child, seen)
    return found


def _pages() -> dict[str, Component]:
    pages = {}
    for route, page in app._unevaluated_pages.items():
        component = page.component() if callable(page.component) else page.component
        assert isinstance(component, Component), route
        pages[route] = component
    return pages


def test_every_page_is_walked():
    assert len(_pages()) == 19


def test_no_page_shows_a_text_that_is_not_from_the_catalogs():
    found = {route: sorted(fixed_texts(page)) for route, page in _pages().items()}
    assert {route: texts for route, texts in found.items() if texts} == {}


def test_a_written_text_is_found():
    """The check itself: a text written into a page, in any of its forms, is found."""
    page = rx.el.div(
        rx.el.p("Hello"),
        rx.cond(rx.State.is_hydrated, rx.el.span("Shown when ready"), rx.el.span("...")),
        rx.el.input(placeholder="Type here"),
        rx.el.nav(aria_label="Main menu"),
        rx.el.button("Nederlands"),  # a language's own name: allowed
    )
    assert {text for _where, text in fixed_texts(page)} == {
        "Hello",
        "Shown when ready",
        "Type here",
        "Main menu",
    }
