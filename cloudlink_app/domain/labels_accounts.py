"""The keys of accounts' texts (the Set password and Change password pages and the
password policy's messages, domain/passwords.py), with their English texts as
``CATALOG["en"]`` (the texts live in cloudlink_app/locale/en/LC_MESSAGES/messages.po)."""

from cloudlink_app.domain.i18n import DEFAULT_LANGUAGE, t

# Kept only for the modules that still read CATALOG["en"] (see README, "Translations"):
# delete this module once nothing imports it.
_KEYS = (
    "title.set_password",
    "title.change_password",
    "set_password.heading",
    "set_password.intro",
    "set_password.button",
    "set_password.invalid_link",
    "set_password.done",
    "change_password.heading",
    "change_password.link",
    "change_password.button",
    "change_password.done",
    "change_password.not_allowed",
    "password.timed_out",
    "password.current",
    "password.new",
    "password.confirm",
    "password.hint",
    "new_password.required",
    "new_password.too_short",
    "new_password.too_long",
    "new_password.unstorable",
    "new_password.is_email",
    "new_password.common",
    "confirm_password.required",
    "confirm_password.mismatch",
    "current_password.required",
    "current_password.wrong",
)

CATALOG: dict[str, dict[str, str]] = {DEFAULT_LANGUAGE: {key: t(key) for key in _KEYS}}
