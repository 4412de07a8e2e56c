"""Cancel, shared by every wizard step: drop what changed since the last save and
return home, asking first when there are unsaved changes."""

from __future__ import annotations

import reflex as rx


class CancelMixin(rx.State, mixin=True):
    """Mixed into a step's state, which also has ``loaded``, ``errors`` and
    ``error_summary``. Without a session each event sends the browser to sign in
    (and back), changing nothing."""

    dirty: bool = False
    confirm_cancel_open: bool = False

    @rx.event
    def cancel(self):
        """Cancel: ask first when there are unsaved changes."""
        if (to_sign_in := self._sign_in_first()) is not None:
            return to_sign_in
        if self.dirty:
            self.confirm_cancel_open = True
            return None
        return self.discard_changes()

    @rx.event
    def keep_editing(self):
        """Close the Cancel question and go on typing."""
        if (to_sign_in := self._sign_in_first()) is not None:
            return to_sign_in
        self.confirm_cancel_open = False
        return None

    @rx.event
    def cancel_dialog_changed(self, is_open: bool):
        """The Cancel question closes itself (Keep editing, Escape): go on typing."""
        if (to_sign_in := self._sign_in_first()) is not None:
            return to_sign_in
        if is_open is False:
            self.confirm_cancel_open = False
        return None

    @rx.event
    def discard_changes(self):
        """Drop what changed since the last save and return to the dashboard (an
        account admin: to their account page)."""
        if (to_sign_in := self._sign_in_first()) is not None:
            return to_sign_in
        self.loaded = ""
        self.dirty = False
        self.confirm_cancel_open = False
        self.errors = {}
        self.error_summary = []
        return self._home()
