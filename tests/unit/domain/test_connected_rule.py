"""When a customer counts as connected: one rule (domain/checks.py) for the Connect and
Sync steps, Review and Finish onboarding."""

from __future__ import annotations

import pytest

from cloudlink_app.domain import checks


@pytest.mark.parametrize(
    ("result", "checked", "current", "connected"),
    [
        (checks.REACHABLE, "pbx.example.com:5060", "pbx.example.com:5060", True),
        # Another address or port since the check: the result says nothing about it.
        (checks.REACHABLE, "pbx.example.com:5060", "pbx.example.com:5061", False),
        (checks.REACHABLE, "pbx.example.com:5060", "", False),
        *[
            (outcome, "pbx.example.com:5060", "pbx.example.com:5060", False)
            for outcome in checks.OUTCOMES
            if outcome != checks.REACHABLE
        ],
        ("", "", "pbx.example.com:5060", False),
    ],
)
def test_connected_is_a_reachable_check_of_the_current_target(result, checked, current, connected):
    assert checks.is_connected(result, checked, current) is connected


def test_the_target_is_compared_in_its_normal_form():
    checked = checks.target_of("PBX.Example.COM.", " 5060 ")
    assert checks.is_connected(
        checks.REACHABLE, checked, checks.target_of("pbx.example.com", "5060")
    )
