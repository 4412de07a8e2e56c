"""Command line: `python -m cloudlink_app.demo_data [--reset]` (the Makefile's
demo-data and reset-demo targets, in demo mode)."""

from __future__ import annotations

import argparse

from cloudlink_app.demo_data import loader
from cloudlink_app.services import secret_key
from cloudlink_app.services.database import get_session


def main(argv: list[str] | None = None) -> None:
    """Load the demo customers once, or with --reset delete every customer first (only
    in a database of demo partners: otherwise exit with a message, nothing deleted)."""
    parser = argparse.ArgumentParser(
        prog="python -m cloudlink_app.demo_data",
        description="Load the demo customers (once), or delete every customer and load them again.",
    )
    parser.add_argument("--reset", action="store_true", help="delete every customer first")
    args = parser.parse_args(argv)
    try:
        # The demo admin contacts are invited: their links need the secret key, which
        # demo mode makes (the Makefile runs this in demo mode) or the environment sets.
        secret_key.secret_key()
    except RuntimeError as missing:
        raise SystemExit(f"Demo data: {missing}") from None
    try:
        with get_session() as session:
            count = loader.load(session, reset=args.reset)
    except loader.NotADemoDatabase as refused:
        raise SystemExit(f"Demo data: {refused}") from None  # exit status 1, on stderr
    print(f"Demo data: {count} customers loaded." if count else "Demo data: already there.")


if __name__ == "__main__":
    main()
