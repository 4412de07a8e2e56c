"""What the Set password and Change password pages share: their errors (beside each
field and in the error summary), the page title and the focus.

The passwords themselves are never state vars: the pages' inputs are uncontrolled and
their values arrive only with the form's submit event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

import reflex as rx

from cloudlink_app.components.error_summary import SUMMARY_ID
from cloudlink_app.domain import passwords
from cloudlink_app.domain.i18n import DEFAULT_LANGUAGE, Text, render
from cloudlink_app.domain.limits import Problems, texts
from cloudlink_app.state.base import ErrorLink, SessionState, focus_element, render_all, set_title

if TYPE_CHECKING:
    _FormBase = SessionState
else:
    _FormBase = rx.State

# Longest form value read from a submit event (a password may be PASSWORD_MAX long).
FIELD_MAX = passwords.PASSWORD_MAX


class PasswordFormMixin(_FormBase, mixin=True):
    """Errors of a password form, keyed by field id, and its error summary."""

    TITLE_KEY: ClassVar[str] = ""
    FIELDS: ClassVar[tuple[str, ...]] = ()

    # The problems shown beside the fields and in the error summary, by field id in
    # the form's order, as keys and parameters (``errors`` words them).
    _errors: dict[str, Text] = {}
    # The confirmation shown after success (None: none), worded by ``done``.
    _done: Text | None = None
    # This state's copy of the UI language, for its computed vars (base.PAGE_LANG).
    _page_lang: str = DEFAULT_LANGUAGE

    @rx.var
    def errors(self) -> dict[str, str]:
        """The errors beside the fields, in the UI language, by field id."""
        return render_all(self._errors, self._page_lang)

    @rx.var
    def error_summary(self) -> list[ErrorLink]:
        """The error summary's lines, in the UI language."""
        return [ErrorLink(k, v) for k, v in render_all(self._errors, self._page_lang).items()]

    @rx.var
    def done(self) -> str:
        """The confirmation after success, in the UI language ("" when none)."""
        return render(self._done, self._page_lang)

    def _clear_errors(self) -> None:
        if self._errors:
            self._errors = {}

    def _form_values(self, form_data: object) -> dict[str, str] | None:
        """The form's fields as strings no longer than FIELD_MAX; None for a crafted
        payload (not a dict, a field missing or not text, too long), which is refused
        with a notice and changes nothing."""
        if not isinstance(form_data, dict):
            self._refuse("notice.not_text")
            return None
        values = {}
        for field in self.FIELDS:
            value = form_data.get(field)
            if not isinstance(value, str):
                self._refuse("notice.not_text")
                return None
            if len(value) > FIELD_MAX:
                self._refuse("notice.too_long", limit=FIELD_MAX)
                return None
            values[field] = value
        return values

    def _show_problems(self, problems: Problems):
        """Show the problems beside their fields and in the summary, focused."""
        errors = texts(problems)
        self._errors = {field: errors[field] for field in self.FIELDS if field in errors}
        self._done = None
        return [set_title(self.TITLE_KEY, self.lang, error=True), focus_element(SUMMARY_ID)]
