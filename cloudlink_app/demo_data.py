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
from cloudlink_app.models import AdminContact, Customer, EmailDomain, SupportContact
from cloudlink_app.services import users
from cloudlink_app.services.database import get_session

# name, country, street, city, state, postal, business type, language, domain, done steps
CUSTOMERS = [
    ("Bakkerij Van der Meer", "NL", "Kerkstraat 12", "Utrecht", "", "3511 LK", "retail", "nl", "vandermeer-bakkerij.nl", "customer"),
    ("Tandartspraktijk De Linde", "NL", "Lindelaan 4", "Amersfoort", "", "3818 AB", "healthcare", "nl", "delinde-tandarts.nl", "customer,gateway"),
    ("Hoogendijk Logistiek", "NL", "Havenweg 210", "Rotterdam", "", "3089 JH", "transport", "nl", "hoogendijk-logistiek.nl", ""),
    ("Gemeente Zuidplas Sportcentrum", "NL", "Sportlaan 1", "Nieuwerkerk aan den IJssel", "", "2912 AA", "government", "nl", "sportcentrum-zuidplas.nl", "customer,gateway,pbx"),
    ("Advocatenkantoor Smit & Bos", "NL", "Herengracht 455", "Amsterdam", "", "1017 BS", "legal", "nl", "smitbos-advocaten.nl", "customer"),
    ("Hotel De Gouden Leeuw", "NL", "Markt 7", "Delft", "", "2611 GP", "hospitality", "nl", "goudenleeuw-delft.nl", "customer,gateway,pbx,connect"),
    ("Brouwerij Het Anker Gent", "BE", "Korenmarkt 23", "Gent", "", "9000", "manufacturing", "nl", "hetanker-gent.be", "customer"),
    ("Notariaat Peeters", "BE", "Meir 88", "Antwerpen", "", "2000", "legal", "nl", "notaris-peeters.be", ""),
    ("Clinique Saint-Luc Namur", "BE", "Rue de Bruxelles 61", "Namur", "", "5000", "healthcare", "fr", "stluc-namur.be", "customer,gateway"),
    ("Vlaamse Fietsenfabriek", "BE", "Industrieweg 5", "Kortrijk", "", "8500", "manufacturing", "nl", "vlaamsefietsen.be", "customer"),
    ("Müller Maschinenbau GmbH", "DE", "Industriestraße 14", "Stuttgart", "", "70565", "manufacturing", "de", "mueller-maschinenbau.de", "customer,gateway"),
    ("Praxis Dr. Schneider", "DE", "Goethestraße 3", "München", "", "80336", "healthcare", "de", "praxis-schneider.de", "customer"),
    ("Hansa Spedition Hamburg", "DE", "Am Sandtorkai 50", "Hamburg", "", "20457", "transport", "de", "hansa-spedition.de", ""),
    ("Stadtwerke Lindau Service", "DE", "Bahnhofplatz 2", "Lindau", "", "88131", "government", "de", "stadtwerke-lindau-service.de", "customer,gateway,pbx"),
    ("Café Kranzler Events", "DE", "Kurfürstendamm 18", "Berlin", "", "10719", "hospitality", "de", "kranzler-events.de", "customer"),
    ("Harrow & Finch Solicitors", "GB", "22 Bedford Row", "London", "", "WC1R 4JS", "legal", "en", "harrowfinch.co.uk", "customer"),
    ("Pennine Dental Care", "GB", "14 Market Street", "Leeds", "", "LS1 6DT", "healthcare", "en", "penninedental.co.uk", "customer,gateway"),
    ("Clyde Marine Supplies", "GB", "90 Broomielaw", "Glasgow", "", "G1 4RL", "retail", "en", "clydemarine.co.uk", ""),
    ("Oxford Lane Primary Trust", "GB", "3 Oxford Lane", "Swindon", "", "SN1 1AA", "education", "en", "oxfordlanetrust.org.uk", "customer,gateway,pbx,connect"),
    ("Bristol Harbour Hotel Group", "GB", "55 Corn Street", "Bristol", "", "BS1 1HT", "hospitality", "en", "bristolharbourhotels.co.uk", "customer"),
    ("Lakeside Family Clinic", "US", "1200 Lakeshore Dr", "Chicago", "IL", "60611", "healthcare", "en", "lakesideclinic.example", "customer,gateway"),
    ("Redwood Credit Union", "US", "455 Market St", "San Francisco", "CA", "94105", "finance", "en", "redwoodcu.example", "customer"),
    ("Lone Star Logistics", "US", "800 Commerce St", "Dallas", "TX", "75202", "transport", "en", "lonestarlogistics.example", ""),
    ("Green Mountain Realty", "US", "75 Church St", "Burlington", "VT", "05401", "real_estate", "en", "greenmountainrealty.example", "customer,gateway,pbx"),
    ("Hudson Valley School District", "US", "20 Academy St", "Poughkeepsie", "NY", "12601", "education", "en", "hvsd.example", "customer"),
]

FIRST_NAMES = ["Sanne", "Pieter", "Lotte", "Jan", "Emma", "Thomas", "Julia", "Lukas",
               "Sophie", "Oliver", "Grace", "Daniel", "Maria", "James", "Hannah"]
LAST_NAMES = ["de Jong", "Janssens", "Peeters", "Schmidt", "Weber", "Smith", "Taylor",
              "Brown", "Visser", "Bakker", "Wagner", "Evans", "Miller", "Garcia", "Clark"]


def _customer(partner_id: int, index: int, entry: tuple) -> tuple[Customer, list]:
    name, country, street, city, state, postal, business, lang, domain, done = entry
    saved = datetime.datetime(2026, 11, 26, 17, 0, tzinfo=datetime.timezone.utc) - (
        datetime.timedelta(hours=7 * index + 1)
    )
    customer = Customer(
        account_id=wizard_path.generate_account_id(), partner_id=partner_id, name=name,
        country=country, street_address=street, city=city, state_province=state,
        postal_code=postal, business_type=business, default_language=lang,
        completed_steps=done, created_at=saved - datetime.timedelta(days=2),
        updated_at=saved,
    )
    first, last = FIRST_NAMES[index % 15], LAST_NAMES[(index * 7) % 15]
    other_first, other_last = FIRST_NAMES[(index + 5) % 15], LAST_NAMES[(index * 3 + 1) % 15]
    mail = lambda f, l: f"{f}.{l}".lower().replace(" ", "") + f"@{domain}"  # noqa: E731
    children = [
        EmailDomain(position=0, domain=domain, normalized=domain),
        AdminContact(position=0, first_name=first, last_name=last, email=mail(first, last)),
    ]
    if done or index % 3:
        children += [
            SupportContact(position=0, role="maintainer", name="Northwind Support Desk",
                           email="support@northwind-telecom.example"),
            SupportContact(position=1, role="onsite_admin",
                           name=f"{other_first} {other_last}",
                           email=mail(other_first, other_last)),
        ]
    return customer, children


def load(session: Session, reset: bool = False) -> int:
    """Load the demo customers (once, or again after deleting all); return how many."""
    partner_id = users.ensure_demo_partner(session)
    if reset:
        for model in (EmailDomain, AdminContact, SupportContact, Customer):
            session.execute(sa.delete(model))
        session.commit()
    elif session.exec(select(Customer.id).limit(1)).first() is not None:
        return 0
    for index, entry in enumerate(CUSTOMERS):
        customer, children = _customer(partner_id, index, entry)
        session.add(customer)
        session.flush()
        for child in children:
            child.customer_id = customer.id
            session.add(child)
    session.commit()
    return len(CUSTOMERS)


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
