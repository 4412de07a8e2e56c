"""Two people save the same customer: the second is told who saved it and when, and
keeps what they typed.

Every save names the version it started from (services/save_history.update_with_version);
the audit trail (save_record) says who made each save and when. The notice of a
conflict names the newest save made after the tab read the customer, in the words and
the time format of Review's "Saved by ..." (views/review.saved_by), plus the time zone;
a change nobody recorded (no such save) keeps the notice that names nobody, and a tab's
own earlier save is never taken for someone else's.
"""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from cloudlink_app import routes
from cloudlink_app.domain import wizard_path
from cloudlink_app.domain.i18n import t
from cloudlink_app.domain.times import format_time
from cloudlink_app.models import Customer, SaveRecord
from cloudlink_app.services import save_history
from cloudlink_app.services.owned_customers import CustomerScope
from cloudlink_app.views import review
from tests.support.builders import valid_form
from tests.support.database import customer_row, save, set_columns, version
from tests.support.tabs import Tab, open_customer, type_form

pytestmark = pytest.mark.asyncio

JEROEN = "jeroen.bakker@northwind-telecom.example"


def newest_save(engine) -> SaveRecord:
    with Session(engine, expire_on_commit=False) as session:
        newest = session.exec(select(SaveRecord).order_by(col(SaveRecord.id).desc())).first()
    assert newest is not None
    return newest


async def test_the_second_is_told_who_saved_it_and_when_and_keeps_what_they_typed(
    database, partner, demo_users
):
    record = save(database, partner, valid_form("Original BV"))
    anna, jeroen = Tab(), Tab(JEROEN)
    await open_customer(anna, record.account_id)
    await open_customer(jeroen, record.account_id)

    await anna.customer("set_customer_name", value="Anna's Name BV")
    await jeroen.customer("set_customer_name", value="Jeroen's Name BV")
    await jeroen.customer("set_city", value="Utrecht")
    await anna.customer("next_step")
    assert anna.notice == ""
    sent = await jeroen.customer("next_step")

    saved_at = newest_save(database).saved_at
    assert jeroen.notice == t(
        "notice.version_conflict_by",
        name="Anna de Vries",
        time=format_time(saved_at, zone=True),
    )
    assert jeroen.notice.startswith(
        f"Anna de Vries saved this customer at {format_time(saved_at)} "
    )
    assert "after you opened it. Your changes are still here" in jeroen.notice
    assert sent.redirects == []
    step = jeroen.customer_step
    assert (step.customer_name, step.city, step.dirty) == ("Jeroen's Name BV", "Utrecht", True)
    assert step.saved_version == 1
    stored = customer_row(database, record.account_id)
    assert (stored.name, stored.city, stored.version) == ("Anna's Name BV", "Amsterdam", 2)


async def test_the_notice_names_the_save_as_review_does(database, partner, demo_users):
    record = save(database, partner, valid_form("Original BV"))
    anna, jeroen = Tab(), Tab(JEROEN)
    await open_customer(anna, record.account_id)
    await open_customer(jeroen, record.account_id)
    await jeroen.customer("set_city", value="Utrecht")
    await jeroen.customer("next_step")  # Jeroen saves first this time
    await anna.customer("set_city", value="Leiden")
    await anna.customer("next_step")

    # What Review shows of the same save (its "last changes" lines).
    with Session(database) as session:
        saves = save_history.recent_saves(session, CustomerScope(partner), record.account_id)
    latest = review.last_changes(saves, "en")[0]
    # "Saved by Jeroen Bakker, 01 Dec 2026 14:02 (Customer)" and "Jeroen Bakker saved
    # this customer at 01 Dec 2026 14:02 UTC, ...": one name, one time format.
    name_and_time = latest.removeprefix("Saved by ").rpartition(" (")[0]
    name, _, time = name_and_time.partition(", ")
    assert name == "Jeroen Bakker"
    assert anna.notice.startswith(f"{name} saved this customer at {time} ")


async def test_a_change_nobody_recorded_names_nobody(database, partner, demo_users):
    record = save(database, partner, valid_form("Original BV"))
    tab = Tab()
    await open_customer(tab, record.account_id)
    set_columns(database, record.account_id, version=version(database, record.account_id) + 1)
    await tab.customer("set_city", value="Utrecht")
    await tab.customer("next_step")
    assert tab.notice == t("notice.version_conflict")
    assert tab.customer_step.city == "Utrecht"


async def test_a_tabs_own_save_is_not_taken_for_someone_elses(new_customer, database):
    await type_form(new_customer, valid_form("Own BV", "own.example"))
    sent = await new_customer.customer("next_step")
    account_id = new_customer.customer_step.loaded
    assert sent.redirects == [routes.step_url(account_id, wizard_path.GATEWAY)]
    assert newest_save(database).step == wizard_path.CUSTOMER  # Anna's own, just now

    # Changed afterwards without a recorded save: the newest recorded save is the
    # tab's own, which came before, not after.
    set_columns(database, account_id, version=version(database, account_id) + 1)
    await new_customer.customer("set_city", value="Utrecht")
    await new_customer.customer("next_step")
    assert new_customer.notice == t("notice.version_conflict")
    with Session(database) as session:
        assert session.exec(select(Customer.city)).one() == "Amsterdam"
