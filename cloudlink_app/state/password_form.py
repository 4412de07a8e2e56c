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
from cloudlink_app.domain.limits import Problems, render
from cloudlink_app.state.base import ErrorLink, SessionState, focus_element, set_title

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

    errors: dict[str, str] = {}
    error_summary: list[ErrorLink] = []
    # The confirmation shown after success ("" when none).
    done: str = ""

    def _clear_errors(self) -> None:
        if self.errors:
            self.errors = {}
        if self.error_summary:
            self.error_summary = []

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
        errors = render(problems, self.lang)
        ordered = {field: errors[field] for field in self.FIELDS if field in errors}
        self.errors = ordered
        self.error_summary = [ErrorLink(k, v) for k, v in ordered.items()]
        self.done = ""
        return [set_title(self.TITLE_KEY, self.lang, error=True), focus_element(SUMMARY_ID)]
