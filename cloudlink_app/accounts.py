"""Command line: `python -m cloudlink_app.accounts COMMAND ...`, real accounts.

    create-partner NAME
    add-partner-user --email EMAIL --name "DISPLAY NAME" --partner PARTNER [--role ROLE]
    add-account-admin --email EMAIL --name "NAME" --account-id ACCOUNT_ID
    deactivate EMAIL
    reset-password EMAIL
    configure-sso PARTNER --issuer URL --client-id ID --domain DOMAIN [--domain DOMAIN ...]
                  [--allow-new-users] [--require-sso]
    show-sso PARTNER
    remove-sso PARTNER

Single sign-on (docs/sso.md): the client secret is read from the environment variable
CLOUDLINK_SSO_CLIENT_SECRET, never from the command line; the issuer's discovery
document is fetched and checked; show-sso never prints the secret.

PARTNER is the partner's id (printed by create-partner) or its exact name. ROLE is
partner_admin (also runs the partner's team) or partner (the default); a partner's first
active user is always its partner admin, whatever ROLE says. New users
and resets print a one-time link to set a password (services/password_links.py: 7 days
for a new user, 1 day for a reset, usable once). It works on the database the app uses
(REFLEX_DB_URL); run it from the project folder, after `make migrate`.

Exit codes: 0 done, 1 refused (the message on stderr says why: an unknown partner or
account ID, an email address in use or not valid, ...), 2 a wrong command line.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from cloudlink_app.domain import permissions
from cloudlink_app.services import accounts, sso_config, users
from cloudlink_app.services.database import get_session

PROG = "python -m cloudlink_app.accounts"
EXIT_REFUSED = 1


def _link_lines(link: accounts.Link, what: str) -> str:
    when = link.expires_at.strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"{what} {link.email}.\n"
        f"Send them this one-time link to set their password (valid until {when}, "
        f"usable once):\n{link.url}"
    )


def _create_partner(args: argparse.Namespace) -> str:
    with get_session() as session:
        partner_id = accounts.create_partner(session, args.name)
    return f"Created partner organisation {args.name.strip()!r} with id {partner_id}."


def _add_partner_user(args: argparse.Namespace) -> str:
    with get_session() as session:
        link = accounts.add_partner_user(
            session, args.email, args.name, args.partner, role=args.role
        )
        role = users.role_of(session, link.email)
    what = "Added partner admin" if role == permissions.PARTNER_ADMIN_ROLE else "Added partner user"
    return _link_lines(link, what)


def _add_account_admin(args: argparse.Namespace) -> str:
    with get_session() as session:
        link = accounts.add_account_admin(session, args.email, args.name, args.account_id)
    return _link_lines(link, "Added account admin")


def _deactivate(args: argparse.Namespace) -> str:
    with get_session() as session:
        ended = accounts.deactivate_user(session, args.email)
    return f"Deactivated {args.email.strip()}: they cannot sign in; {ended} session(s) ended."


def _reset_password(args: argparse.Namespace) -> str:
    with get_session() as session:
        link = accounts.reset_password(session, args.email)
    return _link_lines(link, "Password reset for")


def _configure_sso(args: argparse.Namespace) -> str:
    secret = sso_config.client_secret_from_environment()
    with get_session() as session:
        partner = accounts.partner(session, args.partner)
        assert partner.id is not None
        found = sso_config.configure(
            session,
            partner.id,
            args.issuer,
            args.client_id,
            secret,
            args.domain,
            allow_new_users=args.allow_new_users,
            require_sso=args.require_sso,
        )
    return f"Single sign-on configured for {partner.name!r}.\n" + _sso_lines(found)


def _sso_lines(found: sso_config.SsoSettings) -> str:
    return (
        f"Issuer: {found.issuer}\nClient ID: {found.client_id}\n"
        "Client secret: stored encrypted (not shown)\n"
        f"Domains: {', '.join(found.domains)}\n"
        f"New users allowed: {'yes' if found.allow_new_users else 'no'}\n"
        f"Password sign-in refused for these domains: {'yes' if found.require_sso else 'no'}"
    )


def _show_sso(args: argparse.Namespace) -> str:
    with get_session() as session:
        partner = accounts.partner(session, args.partner)
        assert partner.id is not None
        found = sso_config.settings_for_partner(session, partner.id)
    if found is None:
        return f"{partner.name!r} has no single sign-on."
    return f"Single sign-on of {partner.name!r}:\n" + _sso_lines(found)


def _remove_sso(args: argparse.Namespace) -> str:
    with get_session() as session:
        partner = accounts.partner(session, args.partner)
        assert partner.id is not None
        removed = sso_config.remove(session, partner.id)
    if not removed:
        return f"{partner.name!r} had no single sign-on."
    return f"Single sign-on removed for {partner.name!r}: its users sign in with passwords."


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=(
            "Create partner organisations, add and deactivate partner users and account "
            "admins, reset passwords. New users and resets get a one-time link to set "
            "their password, printed here."
        ),
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, run: Callable[[argparse.Namespace], str], help_: str):
        sub = commands.add_parser(name, help=help_, description=help_)
        sub.set_defaults(run=run)
        return sub

    sub = command("create-partner", _create_partner, "create a partner organisation")
    sub.add_argument("name", help="the organisation's name (unique)")

    sub = command("add-partner-user", _add_partner_user, "add a user of a partner organisation")
    sub.add_argument("--email", required=True, help="their email address (unique)")
    sub.add_argument("--name", required=True, help="their display name")
    sub.add_argument("--partner", required=True, help="the partner's id or exact name")
    sub.add_argument(
        "--role",
        choices=permissions.PARTNER_ROLES,
        default=None,
        help="partner_admin or partner (default: partner; the partner's first user is its admin)",
    )

    sub = command(
        "add-account-admin",
        _add_account_admin,
        "add the account admin of a customer (of that customer's partner)",
    )
    sub.add_argument("--email", required=True, help="their email address (unique)")
    sub.add_argument("--name", required=True, help="their display name")
    sub.add_argument("--account-id", required=True, help="the customer's account ID")

    sub = command("deactivate", _deactivate, "deactivate a user: no sign-in, every session ended")
    sub.add_argument("email", help="the user's email address")

    sub = command("reset-password", _reset_password, "print a new one-time password link")
    sub.add_argument("email", help="the user's email address")

    sub = command(
        "configure-sso",
        _configure_sso,
        "configure a partner's OpenID Connect single sign-on (the client secret from "
        f"{sso_config.CLIENT_SECRET_ENV})",
    )
    sub.add_argument("partner", help="the partner's id or exact name")
    sub.add_argument("--issuer", required=True, help="the provider's issuer URL (https://)")
    sub.add_argument("--client-id", required=True, help="this app's client ID there")
    sub.add_argument(
        "--domain", required=True, action="append", help="an email domain it covers (repeat)"
    )
    sub.add_argument(
        "--allow-new-users",
        action="store_true",
        help="an unknown address of a covered domain becomes a partner user with no customers",
    )
    sub.add_argument(
        "--require-sso",
        action="store_true",
        help="refuse password sign-in for the covered domains",
    )
    sub = command("show-sso", _show_sso, "show a partner's single sign-on (never the secret)")
    sub.add_argument("partner", help="the partner's id or exact name")
    sub = command("remove-sso", _remove_sso, "remove a partner's single sign-on")
    sub.add_argument("partner", help="the partner's id or exact name")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code (0 done, 1 refused, 2 a wrong command
    line: argparse exits with it)."""
    args = _parser().parse_args(argv)
    try:
        print(args.run(args))
    except (accounts.AccountError, sso_config.SsoConfigError) as error:
        print(f"{PROG} {args.command}: error: {error}", file=sys.stderr)
        return EXIT_REFUSED
    return 0


if __name__ == "__main__":
    sys.exit(main())
