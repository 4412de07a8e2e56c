"""Stand-ins, put in place with pytest's monkeypatch for one test: the network of the
connection checks, and the moment between two saves that claim one email domain."""

from __future__ import annotations

from typing import Any

from cloudlink_app.services import connection, domain_claims, wizard
from cloudlink_app.services.connection import ConnectionResult
from tests.support.builders import result


def fake_checks(monkeypatch, outcome: str = wizard.REACHABLE) -> list[tuple[str, int]]:
    """Replace the real TCP check with one that finds ``outcome`` at once; returns the
    (host, port) of every check asked for."""
    asked: list[tuple[str, int]] = []

    async def check(host: str, port: int, **kwargs: Any) -> ConnectionResult:
        asked.append((host, port))
        return result(outcome, port)

    monkeypatch.setattr(connection, "check_connection", check)
    return asked


def claim_race(monkeypatch) -> None:
    """Make the service's first domain check miss every claim, as when another
    account's save commits between the check and the insert; later checks see the
    truth. (A save checks all its domains in one query: domain_claims.domains_taken.)"""
    real = domain_claims.domains_taken
    calls = []

    def not_yet_claimed(session, normalized, customer_id):
        calls.append(normalized)
        return set() if len(calls) == 1 else real(session, normalized, customer_id)

    monkeypatch.setattr(domain_claims, "domains_taken", not_yet_claimed)
