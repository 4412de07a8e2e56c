"""On PostgreSQL: the migration that made app_user's email unique in any letter case
stops, changing nothing, when users already share an address in another case, says how
many, which users and what to do (without whole addresses), and goes through once each
has an address of their own. The same check on SQLite is in
tests/unit/services/test_email_unique_in_any_case.py; two saves meeting the index at once
in test_concurrent_saves.py."""

from __future__ import annotations

from tests.support.migrations import check_the_refusal


def test_the_migration_stops_on_shared_addresses_and_says_what_to_do(schema_url):
    check_the_refusal(schema_url)
