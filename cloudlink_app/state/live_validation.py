"""Live validation, shared by every wizard step: a field shows its errors once the
user has left it, and is checked again as they type while it shows one."""

from __future__ import annotations

import reflex as rx


class LiveValidationMixin(rx.State, mixin=True):
    """Mixed into a step's state, which has ``errors``, ``_touched``, ``_submitted``,
    ``dirty`` and the hooks ``_field_ids()`` and ``_revalidate()``."""

    @rx.event
    def leave_field(self, field_id: str):
        """The user left a field: from now on it shows its errors."""
        if not self._signed_in():
            return None
        if not isinstance(field_id, str) or field_id not in self._field_ids():
            return self._refuse("notice.unknown_field")
        if field_id not in self._touched:
            self._touched.append(field_id)
        self._revalidate()
        return None

    def _changed(self, field_id: str) -> None:
        self.dirty = True
        self.notice = ""
        # Once a field shows an error it is checked again as the user types.
        if field_id in self.errors or self._submitted:
            self._revalidate()

    def _text_ok(self, value: object, limit: int) -> bool:
        """Whether a signed-in user typed text that fits (else show why)."""
        if not self._signed_in():
            return False
        if not isinstance(value, str):
            self._refuse("notice.not_text")
            return False
        if len(value) > limit:
            self._refuse("notice.too_long", limit=limit)
            return False
        return True
