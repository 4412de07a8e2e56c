"""Texts of accounts: the Set password and Change password pages and the password
policy's messages (domain/passwords.py)."""

CATALOG: dict[str, dict[str, str]] = {
    "en": {
        "title.set_password": "Set your password - CloudLink onboarding",
        "title.change_password": "Change password - CloudLink onboarding",
        "set_password.heading": "Set your password",
        "set_password.intro": "Choose a password to sign in to CloudLink onboarding with.",
        "set_password.button": "Set password",
        "set_password.invalid_link": (
            "This link to set a password is not valid: it was used already, it expired, "
            "or it is incomplete. Ask your administrator for a new link."
        ),
        "set_password.done": "Your password is set. Sign in with your email address and it.",
        "change_password.heading": "Change password",
        "change_password.link": "Change password",
        "change_password.button": "Change password",
        "change_password.done": (
            "Your password is changed. You stay signed in here; other sessions are signed out."
        ),
        "change_password.not_allowed": "You cannot change a password here. Nothing was changed.",
        "password.timed_out": ("The server is busy. Wait a moment, then try again."),
        "password.current": "Current password",
        "password.new": "New password",
        "password.confirm": "Confirm password",
        "password.hint": (
            "At least {min} characters. Not your email address and not a commonly used "
            "password. A few words of a sentence are easy to remember."
        ),
        # The policy (domain/passwords.py).
        "new_password.required": "Enter a new password",
        "new_password.too_short": "New password must be {min} characters or more",
        "new_password.too_long": "New password must be {max} characters or fewer",
        "new_password.unstorable": "New password must contain only characters you can type",
        "new_password.is_email": "New password must not be your email address",
        "new_password.common": (
            "New password is a commonly used password: choose one that is harder to guess"
        ),
        "confirm_password.required": "Confirm the new password",
        "confirm_password.mismatch": "Confirm password must be the same as the new password",
        "current_password.required": "Enter your current password",
        "current_password.wrong": "Current password is not correct",
    }
}
