"""On PostgreSQL: the migration that added ``partner.is_demo`` (a boolean server default)
marks the partners of the demo accounts already there, and only those."""

from __future__ import annotations

from tests.support.migrations import partners_after_the_is_demo_migration


def test_the_migration_marks_the_partners_of_demo_accounts_already_there(schema_url):
    assert partners_after_the_is_demo_migration(schema_url) == {
        "Northwind Telecom": True,
        "Rival Telecom": False,
    }
