"""Rule results as a page shows them.

The domain's rules return Texts (a catalog key and its parameters, i18n.Text), never
sentences: states keep them and word them in the UI language when shown. Tests that
read the words use these helpers, so they see exactly what the page would say.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping

from cloudlink_app.domain.i18n import DEFAULT_LANGUAGE, Text, render


def rendered(texts: Mapping[str, Text], lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """Texts by field id, each worded in ``lang`` (English unless told), same order."""
    for field, text in texts.items():
        assert isinstance(text, Text), f"{field}: a rule returned {text!r}, not a Text"
    return {field: render(text, lang) for field, text in texts.items()}


def in_english(rule: Callable[..., Mapping[str, Text]]) -> Callable[..., dict[str, str]]:
    """``rule`` with its result worded in English (checking every value is a Text)."""

    @functools.wraps(rule)
    def worded(*args, **kwargs) -> dict[str, str]:
        return rendered(rule(*args, **kwargs))

    return worded
