"""What the Set password and Change password pages share: the form's values read from
its submit event, and its problems shown beside each field and in the error summary
(state/page.FormState).

The passwords themselves are never state vars: the pages' inputs are uncontrolled and
their values arrive only with the form's submit event.
"""

from __future__ import annotations

from typing import ClassVar

from cloudlink_app.domain import passwords
from cloudlink_app.domain.limits import Problems, texts
from cloudlink_app.state.page import FormState

# Longest form value read from a submit event (a password may be PASSWORD_MAX long).
FIELD_MAX = passwords.PASSWORD_MAX


class PasswordFormMixin(FormState, mixin=True):
    """A password form's fields (FIELDS, in the form's order) and its problems."""

    FIELDS: ClassVar[tuple[str, ...]] = ()

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
            if not self._fits(value, FIELD_MAX):
                return None
            values[field] = value
        return values

    def _show_problems(self, problems: Problems):
        """Show the problems beside their fields and in the summary, focused."""
        errors = texts(problems)
        return self._show_errors({field: errors[field] for field in self.FIELDS if field in errors})
