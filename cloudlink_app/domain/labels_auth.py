"""Texts of signing in. One message for a wrong email and a wrong password alike, so
that the answer never tells whether an account exists (services/auth.py)."""

CATALOG: dict[str, dict[str, str]] = {
    "en": {
        "sign_in.failed": "Enter a correct email address and password",
        # The wait is a few seconds to a minute (services/auth.py PAIR_LIMIT, ADDRESS_LIMIT).
        "sign_in.throttled": "Too many attempts. Try again in a moment.",
        "sign_in.timed_out": "Signing in is taking too long. Try again.",
    }
}
