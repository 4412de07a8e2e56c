"""Demo data for sales engineers: about 25 believable customers, loaded once.

    python -m cloudlink_app.demo_data          # load when there are no customers yet
    python -m cloudlink_app.demo_data --reset  # delete every customer, load again
"""

from __future__ import annotations

import argparse
import datetime

import sqlalchemy as sa
from sqlmodel import Session, select

from cloudlink_app.domain import wizard_path
from cloudlink_app.models import (
    AdminContact,
    AppUser,
    ConnectionCheck,
    Customer,
    EmailDomain,
    SaveRecord,
    SupportContact,
    utc_now,
)
from cloudlink_app.services import users
from cloudlink_app.services.database import get_session

# How far a customer is: the completed steps, or one of these two.
PROBLEM = "problem"  # every appliance step done, but continued without a connection
ONBOARDED = "onboarded"  # the whole path done and the onboarding finished

# name, country, street, city, state, postal, business type, language, domain, stage
CUSTOMERS = [
    ("Bakkerij Van der Meer", "NL", "Kerkstraat 12", "Utrecht", "", "3511 LK", "retail", "nl", "vandermeer-bakkerij.nl", "customer"),
    ("Tandartspraktijk De Linde", "NL", "Lindelaan 4", "Amersfoort", "", "3818 AB", "healthcare", "nl", "delinde-tandarts.nl", "customer,gateway"),
    ("Hoogendijk Logistiek", "NL", "Havenweg 210", "Rotterdam", "", "3089 JH", "transport", "nl", "hoogendijk-logistiek.nl", ""),
    ("Gemeente Zuidplas Sportcentrum", "NL", "Sportlaan 1", "Nieuwerkerk aan den IJssel", "", "2912 AA", "government", "nl", "sportcentrum-zuidplas.nl", PROBLEM),
    ("Advocatenkantoor Smit & Bos", "NL", "Herengracht 455", "Amsterdam", "", "1017 BS", "legal", "nl", "smitbos-advocaten.nl", "customer"),
    ("Hotel De Gouden Leeuw", "NL", "Markt 7", "Delft", "", "2611 GP", "hospitality", "nl", "goudenleeuw-delft.nl", ONBOARDED),
    ("Brouwerij Het Anker Gent", "BE", "Korenmarkt 23", "Gent", "", "9000", "manufacturing", "nl", "hetanker-gent.be", "customer"),
    ("Notariaat Peeters", "BE", "Meir 88", "Antwerpen", "", "2000", "legal", "nl", "notaris-peeters.be", ""),
    ("Clinique Saint-Luc Namur", "BE", "Rue de Bruxelles 61", "Namur", "", "5000", "healthcare", "fr", "stluc-namur.be", "customer,gateway"),
    ("Vlaamse Fietsenfabriek", "BE", "Industrieweg 5", "Kortrijk", "", "8500", "manufacturing", "nl", "vlaamsefietsen.be", "customer"),
    ("Müller Maschinenbau GmbH", "DE", "Industriestraße 14", "Stuttgart", "", "70565", "manufacturing", "de", "mueller-maschinenbau.de", "customer,gateway"),
    ("Praxis Dr. Schneider", "DE", "Goethestraße 3", "München", "", "80336", "healthcare", "de", "praxis-schneider.de", "customer"),
    ("Hansa Spedition Hamburg", "DE", "Am Sandtorkai 50", "Hamburg", "", "20457", "transport", "de", "hansa-spedition.de", ""),
    ("Stadtwerke Lindau Service", "DE", "Bahnhofplatz 2", "Lindau", "", "88131", "government", "de", "stadtwerke-lindau-service.de", "customer,gateway,pbx,connect"),
    ("Café Kranzler Events", "DE", "Kurfürstendamm 18", "Berlin", "", "10719", "hospitality", "de", "kranzler-events.de", "customer"),
    ("Harrow & Finch Solicitors", "GB", "22 Bedford Row", "London", "", "WC1R 4JS", "legal", "en", "harrowfinch.co.uk", ONBOARDED),
    ("Pennine Dental Care", "GB", "14 Market Street", "Leeds", "", "LS1 6DT", "healthcare", "en", "penninedental.co.uk", "customer,gateway,pbx"),
    ("Clyde Marine Supplies", "GB", "90 Broomielaw", "Glasgow", "", "G1 4RL", "retail", "en", "clydemarine.co.uk", ""),
    ("Oxford Lane Primary Trust", "GB", "3 Oxford Lane", "Swindon", "", "SN1 1AA", "education", "en", "oxfordlanetrust.org.uk", ONBOARDED),
    ("Bristol Harbour Hotel Group", "GB", "55 Corn Street", "Bristol", "", "BS1 1HT", "hospitality", "en", "bristolharbourhotels.co.uk", "customer"),
    ("Lakeside Family Clinic", "US", "1200 Lakeshore Dr", "Chicago", "IL", "60611", "healthcare", "en", "lakesideclinic.example", "customer,gateway"),
    ("Redwood Credit Union", "US", "455 Market St", "San Francisco", "CA", "94105", "finance", "en", "redwoodcu.example", "customer"),
    ("Lone Star Logistics", "US", "800 Commerce St", "Dallas", "TX", "75202", "transport", "en", "lonestarlogistics.example", ""),
    ("Green Mountain Realty", "US", "75 Church St", "Burlington", "VT", "05401", "real_estate", "en", "greenmountainrealty.example", PROBLEM),
    ("Hudson Valley School District", "US", "20 Academy St", "Poughkeepsie", "NY", "12601", "education", "en", "hvsd.example", "customer"),
]
# The second demo partner's customers: signing in as each partner shows that each sees
# only their own.
SECOND_PARTNER_CUSTOMERS = [
    ("Boulangerie Dubois", "BE", "Rue Haute 120", "Bruxelles", "", "1000", "retail", "fr", "boulangerie-dubois.be", "customer"),
    ("Kanzlei Weber & Partner", "DE", "Königsallee 60", "Düsseldorf", "", "40212", "legal", "de", "weber-partner-kanzlei.de", "customer,gateway"),
    ("Thames Valley Vets", "GB", "8 High Street", "Reading", "", "RG1 2AA", "healthcare", "en", "thamesvalleyvets.co.uk", ONBOARDED),
    ("Zeeland Watersport", "NL", "Boulevard de Ruyter 3", "Vlissingen", "", "4381 KA", "hospitality", "nl", "zeelandwatersport.nl", ""),
]

FIRST_NAMES = ["Sanne", "Pieter", "Lotte", "Jan", "Emma", "Thomas", "Julia", "Lukas",
               "Sophie", "Oliver", "Grace", "Daniel", "Maria", "James", "Hannah"]
LAST_NAMES = ["de Jong", "Janssens", "Peeters", "Schmidt", "Weber", "Smith", "Taylor",
              "Brown", "Visser", "Bakker", "Wagner", "Evans", "Miller", "Garcia", "Clark"]


# Later steps: a site name per customer language, PBX types in turn with their usual port.
SITE_NAMES = {"nl": "Vestiging {city}", "de": "Standort {city}", "fr": "Site de {city}",
              "en": "{city} office"}
PBX_TYPES = [("mivoice_business", "3999"), ("mivoice_office_400", "7001"),
             ("mivoice_connect", "443"), ("mivoice_5000", "3211")]
CHECK_RESULT_OK = "reachable"
CHECK_RESULT_FAILED = "timed_out"


def _completed(stage: str) -> set[str]:
    if stage == ONBOARDED:
        return set(wizard_path.APPLIANCE_PATH)
    if stage == PROBLEM:
        return {wizard_path.CUSTOMER, wizard_path.GATEWAY, wizard_path.PBX,
                wizard_path.CONNECT}
    return wizard_path.parse_completed(stage)


def _later_steps(index: int, entry: tuple, completed: set[str], stage: str,
                 saved: datetime.datetime) -> dict:
    """The Gateway, PBX and Connect fields of a customer that got that far."""
    _, _, _, city, _, _, _, lang, domain, _ = entry
    values: dict = {}
    if wizard_path.GATEWAY in completed:
        mac = f"00:1A:2B:3C:{index:02X}:{(index * 37 + 11) % 256:02X}"
        values |= {"site_name": SITE_NAMES[lang].format(city=city),
                   "deployment_type": wizard_path.APPLIANCE,
                   "mac_address": mac, "mac_claim": mac}
    if wizard_path.PBX in completed:
        pbx_type, port = PBX_TYPES[index % len(PBX_TYPES)]
        values |= {"pbx_type": pbx_type, "pbx_address": f"pbx.{domain}", "pbx_port": port}
    if wizard_path.CONNECT in completed:
        checked = saved - datetime.timedelta(minutes=20)
        values |= {
            "connection_target": f"pbx.{domain}:{values['pbx_port']}",
            "connection_result": CHECK_RESULT_FAILED if stage == PROBLEM else CHECK_RESULT_OK,
            "connection_checked_at": checked,
            "connection_skipped": stage == PROBLEM,
        }
    if stage == ONBOARDED:
        values |= {"onboarded": True, "onboarded_at": saved}
    return values


def _customer(partner_id: int, index: int, entry: tuple,
              now: datetime.datetime) -> tuple[Customer, list]:
    name, country, street, city, state, postal, business, lang, domain, stage = entry
    # Saved in the last week, 7 hours apart: the list reads like a partner's real week.
    saved = now - datetime.timedelta(hours=7 * index + 1)
    completed = _completed(stage)
    later = _later_steps(index, entry, completed, stage, saved)
    customer = Customer(
        account_id=wizard_path.generate_account_id(), partner_id=partner_id, name=name,
        country=country, street_address=street, city=city, state_province=state,
        postal_code=postal, business_type=business, default_language=lang,
        completed_steps=wizard_path.format_completed(completed),
        status=wizard_path.status_for(
            completed, later.get("deployment_type", ""), later.get("onboarded", False),
            later.get("connection_skipped", False),
        ),
        created_at=saved - datetime.timedelta(days=2), updated_at=saved, **later,
    )
    first, last = FIRST_NAMES[index % 15], LAST_NAMES[(index * 7) % 15]
    other_first, other_last = FIRST_NAMES[(index + 5) % 15], LAST_NAMES[(index * 3 + 1) % 15]
    mail = lambda f, l: f"{f}.{l}".lower().replace(" ", "") + f"@{domain}"  # noqa: E731
    children = [
        EmailDomain(position=0, domain=domain, normalized=domain),
        AdminContact(position=0, first_name=first, last_name=last, email=mail(first, last)),
    ]
    if completed or index % 3:
        children += [
            SupportContact(position=0, role="maintainer", name="Northwind Support Desk",
                           email="support@northwind-telecom.example"),
            SupportContact(position=1, role="onsite_admin",
                           name=f"{other_first} {other_last}",
                           email=mail(other_first, other_last)),
        ]
    return customer, children


SECOND_PARTNER_EMAIL = "liam.peeters@contoso-comms.example"
ACCOUNT_ADMIN_EMAIL = "sanne@vandermeer-bakkerij.nl"
ACCOUNT_ADMIN_CUSTOMER = "Bakkerij Van der Meer"


def load(session: Session, reset: bool = False) -> int:
    """Load the demo customers (once, or again after deleting all); return how many."""
    user_ids = users.ensure_demo_users(session)
    if reset:
        session.execute(sa.update(AppUser).values(customer_id=None))
        for model in (ConnectionCheck, SaveRecord, EmailDomain, AdminContact,
                      SupportContact, Customer):
            session.execute(sa.delete(model))
        session.commit()
    elif session.exec(select(Customer.id).limit(1)).first() is not None:
        return 0
    first_user = user_ids[users.DEMO_PARTNER_EMAIL]
    second_user = user_ids[SECOND_PARTNER_EMAIL]
    partner_of = {uid: session.get(AppUser, uid).partner_id
                  for uid in (first_user, second_user)}
    now = utc_now().replace(second=0, microsecond=0)
    owned = [(first_user, e) for e in CUSTOMERS] + [
        (second_user, e) for e in SECOND_PARTNER_CUSTOMERS]
    for index, (owner, entry) in enumerate(owned):
        customer, children = _customer(partner_of[owner], index, entry, now)
        session.add(customer)
        session.flush()
        children.append(SaveRecord(user_id=owner, step=wizard_path.CUSTOMER,
                                   saved_at=customer.updated_at))
        if customer.connection_checked_at is not None:
            # The check the partner ran on the Connect step, in the audit trail.
            children.append(ConnectionCheck(
                user_id=owner, target=customer.connection_target,
                result=customer.connection_result,
                checked_at=customer.connection_checked_at,
            ))
        for child in children:
            child.customer_id = customer.id
            session.add(child)
        if customer.name == ACCOUNT_ADMIN_CUSTOMER:
            admin = session.get(AppUser, user_ids[ACCOUNT_ADMIN_EMAIL])
            admin.customer_id = customer.id
            admin.partner_id = customer.partner_id
            session.add(admin)
    session.commit()
    return len(owned)


def main() -> None:
    """Command line: load once, or --reset."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reset", action="store_true", help="delete every customer first")
    args = parser.parse_args()
    with get_session() as session:
        count = load(session, reset=args.reset)
    print(f"Demo data: {count} customers loaded." if count else "Demo data: already there.")


if __name__ == "__main__":
    main()
