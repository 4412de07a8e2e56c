import pytest
from cloudlink_app.domain import wizard_path
from cloudlink_app.domain.i18n import t
from cloudlink_app.services import users
from tests.unit.state_harness import database, tab, demo_partner_id, add_partner, add_user, database_rows  # noqa
from tests.unit.wizard_harness import *  # noqa

pytestmark = pytest.mark.asyncio

@pytest.mark.parametrize("step,handler", [
  ("gateway","next_step"),("gateway","go_back"),("gateway","save_and_return"),
  ("pbx","next_step"),("pbx","go_back"),("connect","next_step"),("connect","continue_without_connection"),
  ("connect","check_connection"),("sync","start_synchronisation"),("sync","next_step"),("sync","check_connection"),("review","finish_onboarding"),("review","next_step"),("review","go_back")])
async def test_foreign(tab, database, monkeypatch, step, handler):
    fake_checks(monkeypatch)
    p = demo_partner_id(database)
    other = add_partner(database, "Other")
    add_user(database, "x@other.example", users.PARTNER_ROLE, other)
    dep = "smbc" if step == "sync" else "appliance"
    through = {"gateway":"customer","pbx":"gateway","connect":"pbx","sync":"gateway","review":"review"}[step]
    acc = make_customer(database, p, through, deployment=dep)
    if step == "review":
        set_columns(database, acc, onboarded=False, status="next:review")
    s = await open_step(tab, step, acc)
    assert s.redirects == [], s.redirects
    st = tab.state(STATES[step])
    if step == "sync":
        await tab.send(STATES[step], "check_connection")
        print("sync connected", st.connected, tab.notice)
    tab.sign_in_as("x@other.example")
    rows = database_rows(database)
    before = tab.snapshot(STATES[step])
    s = await tab.send(STATES[step], handler)
    after = tab.snapshot(STATES[step])
    diff = {k:(before[k], after[k]) for k in before if before[k]!=after[k]}
    print(step, handler, "notice=", tab.notice, "redir=", s.redirects, "changed=", s.changed, "diff=", diff, "db same", database_rows(database)==rows)
