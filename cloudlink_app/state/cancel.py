"""Cancel on a form that keeps unsaved changes (the wizard steps): it asks first when
there are any ("Discard changes" / "Keep editing"), then drops them and leaves.

Each handler checks the session first: a tab whose session ended is sent to sign in
(and back), never left with an open question.
"""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from cloudlink_app.state.page import PageState


class CancelMixin(PageState, mixin=True):
    """Cancel, its question, and what leaving drops (the hook ``_discard``)."""

    # Changed since the last save: Cancel asks first.
    dirty: bool = False
    confirm_cancel_open: bool = False

    def _signed_in_then(self, action: Callable[[], object]):
        """``action()``'s events while someone is signed in, else the way to sign in;
        the database unreachable: the notice that says so (_unless_unavailable)."""

        def guarded():
            if (to_sign_in := self._sign_in_first()) is not None:
                return to_sign_in
            return action()

        return self._unless_unavailable(guarded)

    @rx.event
    def cancel(self):
        """Cancel: ask first when there are unsaved changes."""
        return self._signed_in_then(self._cancel)

    def _cancel(self):
        if self.dirty:
            self.confirm_cancel_open = True
            return None
        return self._discard()

    @rx.event
    def keep_editing(self):
        """Close the Cancel question and go on typing."""
        return self._signed_in_then(self._close_question)

    def _close_question(self):
        self.confirm_cancel_open = False

    @rx.event
    def cancel_dialog_changed(self, is_open: bool):
        """The Cancel question closes itself (Keep editing, Escape): go on typing."""
        return self._signed_in_then(lambda: self._close_question() if is_open is False else None)

    @rx.event
    def discard_changes(self):
        """Drop what changed since the last save and leave (the hook ``_discard``)."""
        return self._signed_in_then(self._discard)

    def _discard(self):
        """Drop the unsaved changes; the events that leave the page."""
        self.dirty = False
        self.confirm_cancel_open = False
        return None
