"""The email that tells a user someone keeps failing to sign in to their account.

Once the failed sign-ins of an account within the per-account window reach the point
where its delay starts (domain/throttle.py ACCOUNT_LIMIT.free), its user gets one email
through the outbox, in their UI language (English when they never chose one): someone
tried, signing in is slowed down except in browsers they signed in with before, and how
to change the password. At most once per ALERT_INTERVAL per user, on any number of
workers: ``app_user.sign_in_alert_at`` is set by one conditional UPDATE, which only one
transaction can win, and the message is written in that same transaction.

Only active users with a password are mailed; an unknown email gets no mail (and the
sign-in answer does not differ: services/signing_in.py).
"""

from __future__ import annotations

import datetime
import logging

import sqlalchemy as sa
from sqlmodel import Session, col

from cloudlink_app import routes
from cloudlink_app.domain import throttle
from cloudlink_app.domain.i18n import DEFAULT_LANGUAGE, UI_LANGUAGES, t
from cloudlink_app.domain.times import When
from cloudlink_app.models import AppUser, SignInAttempt, as_utc
from cloudlink_app.services import links, outbox

ALERT_INTERVAL = datetime.timedelta(hours=24)
KIND = "sign_in_alert"  # the outbox's kind of the message

logger = logging.getLogger(__name__)


def alert_if_due(session: Session, email: str, now: datetime.datetime) -> bool:
    """After a failed sign-in of the (normalised) ``email`` was added to the caller's
    transaction: when the account's failures in throttle.ACCOUNT_WINDOW reached
    ACCOUNT_LIMIT.free and its user was not alerted within ALERT_INTERVAL, mark the user
    alerted and put the email in the outbox (the caller commits both). Returns whether
    it did."""
    session.flush()
    failures, first = session.execute(
        sa.select(sa.func.count(), sa.func.min(col(SignInAttempt.attempted_at))).where(
            col(SignInAttempt.email) == email,
            col(SignInAttempt.attempted_at) > now - throttle.ACCOUNT_WINDOW,
        )
    ).one()
    if failures < throttle.ACCOUNT_LIMIT.free:
        return False
    claimed = session.execute(
        sa.update(AppUser)
        .where(
            sa.func.lower(col(AppUser.email)) == email,
            col(AppUser.active).is_(True),
            col(AppUser.password_hash) != "",
            sa.or_(
                col(AppUser.sign_in_alert_at).is_(None),
                col(AppUser.sign_in_alert_at) <= now - ALERT_INTERVAL,
            ),
        )
        .values(sign_in_alert_at=now)
        .returning(col(AppUser.email), col(AppUser.display_name), col(AppUser.ui_language))
    ).first()
    if claimed is None:
        return False
    address, name, ui_language = claimed
    lang = ui_language if ui_language in UI_LANGUAGES else DEFAULT_LANGUAGE
    change_password = (links.base_url() or "") + routes.CHANGE_PASSWORD
    try:
        outbox.enqueue(
            session,
            to=address,
            subject=t("mail.sign_in_alert_subject", lang),
            text=t(
                "mail.sign_in_alert_body",
                lang,
                name=name,
                email=address,
                count=int(failures),
                since=When(as_utc(first), zone=True),
                link=change_password,
            ),
            html=None,
            kind=KIND,
        )
    except outbox.InvalidRecipient:
        # An address stored before addresses were checked: no mail can reach it, and
        # the sign-in's answer must not change.
        logger.warning("No sign-in alert: user address is not deliverable")
        return False
    return True
