"""Texts of signing in. One message for a wrong email and a wrong password alike, so
that the answer never tells whether an account exists (services/auth.py)."""

CATALOG: dict[str, dict[str, str]] = {
    "en": {
        "sign_in.failed": "Enter a correct email address and password",
        # The wait is services.auth.FAILURE_WINDOW (tests/unit/test_sign_in_throttle.py).
        "sign_in.throttled": "Too many attempts. Wait 15 minutes, then try again.",
    }
}
