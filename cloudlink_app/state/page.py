"""The one base of every page's state, in three layers, each written once:

- ``PageState``: every page. The session guard of its on_load, its title, its own copy
  of the UI language (state/language.py says why), a refusal shown in the notice.
- ``FormState``: a page with a form. The errors beside the fields, the error summary
  ("There is a problem", focused) and the confirmation after success (``done``), all
  kept as keys with parameters and worded in the UI language by computed vars; the
  checks of what the browser sent (text that fits, a known choice).
- ``LiveFormState``: a form checked as the user types. A field shows its errors once
  it was left (``leave_field``), and is checked again as they type once it shows one;
  after a submit every error shows.

A page's state mixes one of them in before SessionState, its parent in Reflex's tree:
``class DashboardState(PageState, SessionState)``. They are Reflex mixins, so each page
state gets its own copy of their vars and handlers.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, ClassVar, TypeGuard

import reflex as rx

from cloudlink_app.domain.i18n import DEFAULT_LANGUAGE, Text, render
from cloudlink_app.services import database, users
from cloudlink_app.state.session import SessionState, home_url

# The error summary at the top of a form (components/error_summary.py renders it), and
# the alert region that shows why an event was refused (components/notice.py).
SUMMARY_ID = "error-summary"
NOTICE_ID = "notice"

if TYPE_CHECKING:
    # Every page state inherits SessionState too (the signed-in user, lang, notice):
    # this tells the type checker what the mixins may use of it.
    _PageBase = SessionState
else:
    _PageBase = rx.State


class Stopped(list):
    """What a helper returns when it stopped an event (a refusal, errors shown): the
    events to send with it, none (what the page shows is in the state: the notice, the
    errors, the focus request). Truthy even when empty, so that a caller's ``if stop:
    return stop`` stops there, as it does for a redirect."""

    def __bool__(self) -> bool:
        return True


@dataclasses.dataclass
class ErrorLink:
    """One line of the error summary: the message (rendered in the page's language by
    the computed var that makes the summary) and the field it is about."""

    field_id: str
    message: str


def render_all(texts: dict[str, Text], lang: str) -> dict[str, str]:
    """Texts kept by key (e.g. field errors by field id), each rendered in ``lang``."""
    return {key: render(text, lang) for key, text in texts.items()}


class PageState(_PageBase, mixin=True):
    """What every page's state has: the load guard, the title, the page language."""

    # The page title's catalog key.
    TITLE_KEY: ClassVar[str] = ""

    # This state's copy of the UI language, for its computed vars (language.PAGE_LANG).
    _page_lang: str = DEFAULT_LANGUAGE

    def _page_user(self, action: str | None = None):
        """The guard of a page's on_load: (the signed-in user, None) when someone is
        signed in and, when ``action`` is given, may do it; otherwise (None, where the
        browser goes instead: to sign in and back, or the user's own start page)."""
        try:
            user = self._current_user()
        except users.NotSignedIn:
            return None, self._to_sign_in()
        if action is not None and not user.may(action):
            return None, rx.redirect(home_url(user))
        return user, None

    def _title(self, error: bool = False) -> None:
        """Title the page TITLE_KEY, "Error: " first when ``error`` (SessionState.page_title
        words it in the UI language)."""
        if self.TITLE_KEY and self._title_key != self.TITLE_KEY:
            self._title_key = self.TITLE_KEY
        self.title_error = error

    def _refused_with_notice(self, key: str, **params: object) -> Stopped:
        """Refuse (the notice says why) and move focus to the notice."""
        self._refuse(key, **params)
        self._focus(NOTICE_ID)
        return Stopped()

    def _unless_unavailable(self, handler):
        """``handler()``'s events; when the database cannot be reached meanwhile, the
        notice that says so instead. Nothing typed or shown is dropped: the handler
        stopped where the database failed, before it changed what the page holds.
        Once an event works again, that notice goes (a notice of its own stays)."""
        unavailable = Text(database.UNAVAILABLE_MESSAGE)
        try:
            events = handler()
        except Exception as error:
            if not database.is_unavailable(error):
                raise
            return self._refused_with_notice(database.UNAVAILABLE_MESSAGE)
        if self._notice == unavailable:
            self._notice = None
        return events


class FormState(PageState, mixin=True):
    """A page with a form: its errors, its error summary and its confirmation."""

    # The errors shown beside fields, keyed by field id, and what the error summary
    # lists (after a submit), in its order: as keys and parameters.
    _errors: dict[str, Text] = {}
    _summary: dict[str, Text] = {}
    # The confirmation shown after success (None: none), worded by ``done``.
    _done: Text | None = None

    @rx.var
    def errors(self) -> dict[str, str]:
        """The errors shown beside fields, in the UI language, keyed by field id."""
        return render_all(self._errors, self._page_lang)

    @rx.var
    def error_summary(self) -> list[ErrorLink]:
        """The error summary's lines, in the UI language."""
        return [ErrorLink(k, v) for k, v in render_all(self._summary, self._page_lang).items()]

    @rx.var
    def done(self) -> str:
        """The confirmation after success, in the UI language ("" when none)."""
        return render(self._done, self._page_lang)

    def _show_errors(self, errors: dict[str, Text]) -> Stopped:
        """Show ``errors`` beside their fields and in the summary, focused, with
        "Error: " in the title."""
        self._errors = errors
        self._summary = dict(errors)
        self._done = None
        self._title(error=True)
        self._focus(SUMMARY_ID)
        return Stopped()

    def _clear_errors(self) -> None:
        if self._errors:
            self._errors = {}
        if self._summary:
            self._summary = {}

    def _fits(self, value: object, limit: int) -> TypeGuard[str]:
        """Whether ``value`` is text of at most ``limit`` characters (else show why)."""
        if not isinstance(value, str):
            self._refuse("notice.not_text")
            return False
        if len(value) > limit:
            self._refuse("notice.too_long", limit=limit)
            return False
        return True

    def _allowed(self, value: object, allowed) -> bool:
        """Whether ``value`` is one of ``allowed`` or none (else show why)."""
        if not isinstance(value, str) or (value and value not in allowed):
            self._refuse("notice.unknown_choice")
            return False
        return True


class LiveFormState(FormState, mixin=True):
    """A form whose fields are checked as the user types (the hooks at the bottom)."""

    # Longest value each text field accepts (its maxlength in the page too).
    MAX_LENGTH: ClassVar[dict[str, int]] = {}
    # Errors about a group of fields, shown once a field starting with the prefix was
    # left (e.g. a missing role, once a support contact field was touched).
    GROUP_PREFIXES: ClassVar[dict[str, str]] = {}

    # The fields the user left, in order; whether the form was submitted (then every
    # error shows).
    _touched: list[str] = []
    _submitted: bool = False

    def _show_errors(self, errors: dict[str, Text]) -> Stopped:
        self._submitted = True
        return super()._show_errors(errors)

    def _visible(self, errors: dict[str, Text]) -> dict[str, Text]:
        if self._submitted:
            return errors
        touched = set(self._touched)
        return {
            key: message
            for key, message in errors.items()
            if key in touched
            or (
                key in self.GROUP_PREFIXES
                and any(f.startswith(self.GROUP_PREFIXES[key]) for f in touched)
            )
        }

    def _revalidate(self) -> None:
        """The errors shown, checked again. While the database cannot be reached (a
        rule asks it, e.g. whether a domain is taken) they stay as they are and the
        page says why; what was typed is kept all the same (the caller stored it
        first), and a submit checks everything once the database is back."""
        try:
            self._errors = self._visible(self._validate())
        except Exception as error:
            if not database.is_unavailable(error):
                raise
            self._notice = Text(database.UNAVAILABLE_MESSAGE)

    @rx.event
    def leave_field(self, field_id: str):
        """The user left a field: from now on it shows its errors."""
        if not self._may_type():
            return None
        if not isinstance(field_id, str) or field_id not in self._field_ids():
            return self._refuse("notice.unknown_field")
        if field_id not in self._touched:
            self._touched.append(field_id)
        self._revalidate()
        return None

    def _changed(self, field_id: str) -> None:
        """A field changed: the notice goes and, once the field shows an error (or
        after a submit), it is checked again as the user types."""
        self._notice = None
        if field_id in self._errors or self._submitted:
            self._revalidate()

    def _text_ok(self, value: object, limit: int) -> bool:
        """Whether a signed-in user typed text that fits (else show why)."""
        return self._may_type() and self._fits(value, limit)

    def _choice_ok(self, value: object, allowed) -> bool:
        """Whether a signed-in user chose one of ``allowed`` or none (else show why)."""
        return self._may_type() and self._allowed(value, allowed)

    def _set_text(self, field_id: str, value: object) -> None:
        """A text field typed: stored when it fits MAX_LENGTH."""
        if self._text_ok(value, self.MAX_LENGTH[field_id]):
            setattr(self, field_id, value)
            self._changed(field_id)

    def _set_choice(self, field_id: str, value: object, allowed) -> bool:
        """A choice made: stored when it is one of ``allowed`` (or none)."""
        if not self._choice_ok(value, allowed):
            return False
        setattr(self, field_id, value)
        self._changed(field_id)
        return True

    # ----- hooks of each form ---------------------------------------------------------

    def _field_ids(self) -> set[str]:
        """The ids of the form's fields (leave_field accepts only these)."""
        return set()

    def _validate(self) -> dict[str, Text]:
        """Every rule of the form, as on submit."""
        return {}
