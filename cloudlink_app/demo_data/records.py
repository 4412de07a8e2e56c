"""The demo partners and their customers, as records: who they are and how far each got.

Plain data: demo_data.onboarding turns every record into the saves a partner
user would make in the wizard, and the domain rules check each one on the way.
"""

from __future__ import annotations

import dataclasses
import unicodedata

from cloudlink_app.demo_data.accounts import (
    DEMO_ACCOUNTS,
    DEMO_OTHER_PARTNER_NAME,
    DEMO_PARTNER_NAME,
)
from cloudlink_app.domain import permissions, wizard_path
from cloudlink_app.domain.wizard_path import (
    APPLIANCE,
    CONNECT,
    CUSTOMER,
    GATEWAY,
    PBX,
    SMBC,
    SYNC,
    VA,
)

# How far a customer got (DemoCustomer.stage): a draft, the last step completed (one of
# wizard_path's steps), or one of these two.
DRAFT = "draft"  # the Customer step saved with "Save and return", not completed
PROBLEM = "problem"  # every appliance step done, Connect continued without a connection
ONBOARDED = "onboarded"  # the whole path done and "Finish onboarding" pressed


@dataclasses.dataclass(frozen=True)
class Address:
    """A postal address as the Customer step asks for it."""

    country: str
    street: str
    city: str
    postal_code: str
    state: str = ""  # where the country has states (US)


@dataclasses.dataclass(frozen=True)
class Person:
    """A contact person; ``email_local`` is the part before the @ of their email
    address, "first.last" (in ASCII, without spaces) when empty."""

    first_name: str
    last_name: str
    email_local: str = ""

    @property
    def name(self) -> str:
        """First and last name."""
        return f"{self.first_name} {self.last_name}"

    def email_at(self, domain: str) -> str:
        """Their email address at ``domain``."""
        local = self.email_local or _ascii(f"{self.first_name}.{self.last_name}")
        return f"{local}@{domain}"


@dataclasses.dataclass(frozen=True)
class DemoCustomer:
    """One demo customer: the Customer step's answers and how far the onboarding got.

    ``stage`` is DRAFT, the last step completed (CUSTOMER, GATEWAY, PBX, CONNECT or
    SYNC), PROBLEM or ONBOARDED. ``deployment`` is the type chosen on the Gateway step
    (only used once the customer got that far). ``admin`` is the admin contact; when
    None one is made up from names of the customer's language.
    """

    name: str
    address: Address
    business_type: str
    language: str
    domain: str
    stage: str
    deployment: str = APPLIANCE
    admin: Person | None = None

    def __post_init__(self) -> None:
        # A stage off the customer's path is a typo in the list below: fail on import.
        if self.stage not in (DRAFT, PROBLEM, ONBOARDED) and (
            self.stage not in wizard_path.wizard_path(self.deployment)
        ):
            raise ValueError(f"{self.name}: stage {self.stage!r} not on its path")
        if self.stage == PROBLEM and wizard_path.is_sync_path(self.deployment):
            raise ValueError(f"{self.name}: only the appliance path has a Connect step")

    @property
    def path(self) -> tuple[str, ...]:
        """The steps of this customer's path."""
        return wizard_path.wizard_path(self.deployment)

    @property
    def completed(self) -> set[str]:
        """The steps this customer completed."""
        if self.stage == DRAFT:
            return set()
        if self.stage == ONBOARDED:
            return set(self.path)
        last = CONNECT if self.stage == PROBLEM else self.stage
        return set(self.path[: self.path.index(last) + 1])


@dataclasses.dataclass(frozen=True)
class DemoPartner:
    """A demo partner: its users (who take turns onboarding its customers), the support
    desk every customer gets as its Maintainer, and its customers."""

    name: str
    support_desk: str
    support_email: str
    customers: tuple[DemoCustomer, ...]

    @property
    def user_emails(self) -> tuple[str, ...]:
        """The emails of the partner's own users (DEMO_ACCOUNTS), in their order."""
        return tuple(
            account.email
            for account in DEMO_ACCOUNTS
            if account.partner_name == self.name and account.role in permissions.PARTNER_ROLES
        )


def _ascii(text: str) -> str:
    # "Lefèvre" -> "lefevre", "de Jong" -> "dejong": what mail systems make of names.
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return plain.replace(" ", "").replace("'", "").lower()


ACCOUNT_ADMIN_EMAIL = "sanne@vandermeer-bakkerij.nl"
ACCOUNT_ADMIN_CUSTOMER = "Bakkerij Van der Meer"
SECOND_PARTNER_EMAIL = "liam.peeters@contoso-comms.example"

# Northwind's week, newest first (the order the dashboard lists them in). The browser
# tests name some of them with their status: keep those at the same stage.
CUSTOMERS: tuple[DemoCustomer, ...] = (
    DemoCustomer(
        ACCOUNT_ADMIN_CUSTOMER,
        Address("NL", "Kerkstraat 12", "Utrecht", "3511 LK"),
        "retail",
        "nl",
        "vandermeer-bakkerij.nl",
        CUSTOMER,
        admin=Person("Sanne", "van der Meer", "sanne"),
    ),
    DemoCustomer(
        "Tandartspraktijk De Linde",
        Address("NL", "Lindelaan 4", "Amersfoort", "3818 AB"),
        "healthcare",
        "nl",
        "delinde-tandarts.nl",
        GATEWAY,
    ),
    DemoCustomer(
        "Hoogendijk Logistiek",
        Address("NL", "Havenweg 210", "Rotterdam", "3089 JH"),
        "transport",
        "nl",
        "hoogendijk-logistiek.nl",
        DRAFT,
    ),
    DemoCustomer(
        "Gemeente Zuidplas Sportcentrum",
        Address("NL", "Sportlaan 1", "Nieuwerkerk aan den IJssel", "2912 AA"),
        "government",
        "nl",
        "sportcentrum-zuidplas.nl",
        PROBLEM,
    ),
    DemoCustomer(
        "Advocatenkantoor Smit & Bos",
        Address("NL", "Herengracht 455", "Amsterdam", "1017 BS"),
        "professional_services",
        "nl",
        "smitbos-advocaten.nl",
        CUSTOMER,
    ),
    DemoCustomer(
        "Hotel De Gouden Leeuw",
        Address("NL", "Markt 7", "Delft", "2611 GP"),
        "hospitality",
        "nl",
        "goudenleeuw-delft.nl",
        ONBOARDED,
    ),
    DemoCustomer(
        "Brouwerij Het Anker Gent",
        Address("BE", "Korenmarkt 23", "Gent", "9000"),
        "manufacturing",
        "nl",
        "hetanker-gent.be",
        CUSTOMER,
    ),
    DemoCustomer(
        "Notariaat Peeters",
        Address("BE", "Meir 88", "Antwerpen", "2000"),
        "professional_services",
        "nl",
        "notaris-peeters.be",
        DRAFT,
    ),
    DemoCustomer(
        "Clinique Saint-Luc Namur",
        Address("BE", "Rue de Bruxelles 61", "Namur", "5000"),
        "healthcare",
        "fr",
        "stluc-namur.be",
        GATEWAY,
    ),
    DemoCustomer(
        "Vlaamse Fietsenfabriek",
        Address("BE", "Industrieweg 5", "Kortrijk", "8500"),
        "manufacturing",
        "nl",
        "vlaamsefietsen.be",
        CUSTOMER,
    ),
    # An SMB Controller: synchronised, ready for Review.
    DemoCustomer(
        "Müller Maschinenbau GmbH",
        Address("DE", "Industriestraße 14", "Stuttgart", "70565"),
        "manufacturing",
        "de",
        "mueller-maschinenbau.de",
        SYNC,
        deployment=SMBC,
    ),
    DemoCustomer(
        "Praxis Dr. Schneider",
        Address("DE", "Goethestraße 3", "München", "80336"),
        "healthcare",
        "de",
        "praxis-schneider.de",
        CUSTOMER,
    ),
    DemoCustomer(
        "Hansa Spedition Hamburg",
        Address("DE", "Am Sandtorkai 50", "Hamburg", "20457"),
        "transport",
        "de",
        "hansa-spedition.de",
        DRAFT,
    ),
    DemoCustomer(
        "Stadtwerke Lindau Service",
        Address("DE", "Bahnhofplatz 2", "Lindau", "88131"),
        "government",
        "de",
        "stadtwerke-lindau-service.de",
        CONNECT,
    ),
    DemoCustomer(
        "Café Kranzler Events",
        Address("DE", "Kurfürstendamm 18", "Berlin", "10719"),
        "hospitality",
        "de",
        "kranzler-events.de",
        CUSTOMER,
    ),
    DemoCustomer(
        "Harrow & Finch Solicitors",
        Address("GB", "22 Bedford Row", "London", "WC1R 4JS"),
        "professional_services",
        "en",
        "harrowfinch.co.uk",
        ONBOARDED,
    ),
    DemoCustomer(
        "Pennine Dental Care",
        Address("GB", "14 Market Street", "Leeds", "LS1 6DT"),
        "healthcare",
        "en",
        "penninedental.co.uk",
        PBX,
    ),
    DemoCustomer(
        "Clyde Marine Supplies",
        Address("GB", "90 Broomielaw", "Glasgow", "G1 4RL"),
        "retail",
        "en",
        "clydemarine.co.uk",
        DRAFT,
    ),
    # A Virtual Appliance in the trust's own data centre: onboarded through the Sync step.
    DemoCustomer(
        "Oxford Lane Primary Trust",
        Address("GB", "3 Oxford Lane", "Swindon", "SN1 1AA"),
        "education",
        "en",
        "oxfordlanetrust.org.uk",
        ONBOARDED,
        deployment=VA,
    ),
    DemoCustomer(
        "Bristol Harbour Hotel Group",
        Address("GB", "55 Corn Street", "Bristol", "BS1 1HT"),
        "hospitality",
        "en",
        "bristolharbourhotels.co.uk",
        CUSTOMER,
    ),
    DemoCustomer(
        "Lakeside Family Clinic",
        Address("US", "1200 Lakeshore Dr", "Chicago", "60611", state="IL"),
        "healthcare",
        "en",
        "lakesideclinic.example",
        GATEWAY,
    ),
    DemoCustomer(
        "Redwood Credit Union",
        Address("US", "455 Market St", "San Francisco", "94105", state="CA"),
        "finance",
        "en",
        "redwoodcu.example",
        CUSTOMER,
    ),
    DemoCustomer(
        "Lone Star Logistics",
        Address("US", "800 Commerce St", "Dallas", "75202", state="TX"),
        "transport",
        "en",
        "lonestarlogistics.example",
        DRAFT,
    ),
    DemoCustomer(
        "Green Mountain Realty",
        Address("US", "75 Church St", "Burlington", "05401", state="VT"),
        "real_estate",
        "en",
        "greenmountainrealty.example",
        PROBLEM,
    ),
    DemoCustomer(
        "Hudson Valley School District",
        Address("US", "20 Academy St", "Poughkeepsie", "12601", state="NY"),
        "education",
        "en",
        "hvsd.example",
        CUSTOMER,
    ),
)
# The second demo partner's customers: signing in as each partner shows that each sees
# only their own.
SECOND_PARTNER_CUSTOMERS: tuple[DemoCustomer, ...] = (
    DemoCustomer(
        "Boulangerie Dubois",
        Address("BE", "Rue Haute 120", "Bruxelles", "1000"),
        "retail",
        "fr",
        "boulangerie-dubois.be",
        CUSTOMER,
    ),
    DemoCustomer(
        "Kanzlei Weber & Partner",
        Address("DE", "Königsallee 60", "Düsseldorf", "40212"),
        "professional_services",
        "de",
        "weber-partner-kanzlei.de",
        GATEWAY,
    ),
    DemoCustomer(
        "Thames Valley Vets",
        Address("GB", "8 High Street", "Reading", "RG1 2AA"),
        "healthcare",
        "en",
        "thamesvalleyvets.co.uk",
        ONBOARDED,
    ),
    DemoCustomer(
        "Zeeland Watersport",
        Address("NL", "Boulevard de Ruyter 3", "Vlissingen", "4381 KA"),
        "hospitality",
        "nl",
        "zeelandwatersport.nl",
        DRAFT,
    ),
)

PARTNERS: tuple[DemoPartner, ...] = (
    DemoPartner(
        DEMO_PARTNER_NAME, "Northwind Support Desk", "support@northwind-telecom.example", CUSTOMERS
    ),
    DemoPartner(
        DEMO_OTHER_PARTNER_NAME,
        "Contoso Service Desk",
        "servicedesk@contoso-comms.example",
        SECOND_PARTNER_CUSTOMERS,
    ),
)

# Made-up contacts in the customer's language (admin contacts, onsite admins).
FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "nl": ("Pieter", "Lotte", "Daan", "Femke", "Bram", "Anouk", "Jan", "Eva"),
    "de": ("Lukas", "Julia", "Felix", "Katrin", "Jonas", "Lena", "Markus", "Sabine"),
    "fr": ("Camille", "Julien", "Sophie", "Nicolas", "Claire", "Mathieu"),
    "en": ("Grace", "Daniel", "Hannah", "James", "Olivia", "Thomas", "Emily", "Oliver"),
}
LAST_NAMES: dict[str, tuple[str, ...]] = {
    "nl": ("de Jong", "Visser", "Bakker", "Jansen", "Mulder", "de Boer", "Smit", "Meijer"),
    "de": ("Schmidt", "Weber", "Wagner", "Becker", "Hoffmann", "Schulz", "Koch", "Richter"),
    "fr": ("Dubois", "Lambert", "Martin", "Dupont", "Lefèvre", "Renard"),
    "en": ("Taylor", "Evans", "Brown", "Clark", "Miller", "Garcia", "Walker", "Hughes"),
}


def made_up_person(language: str, number: int) -> Person:
    """The ``number``-th made-up person of ``language``: every first name with every
    last name before any pair repeats."""
    first, last = FIRST_NAMES[language], LAST_NAMES[language]
    return Person(first[number % len(first)], last[(number // len(first) + number) % len(last)])


def _numbered_by_language() -> dict[str, int]:
    # Each customer's place among the customers of its language, across both partners.
    seen: dict[str, int] = {}
    numbers = {}
    for partner in PARTNERS:
        for demo in partner.customers:
            numbers[demo.name] = seen.get(demo.language, 0)
            seen[demo.language] = numbers[demo.name] + 1
    return numbers


_NUMBER_IN_LANGUAGE = _numbered_by_language()


def contact_people(demo: DemoCustomer) -> tuple[Person, Person]:
    """The customer's admin contact (``demo.admin`` when given) and its Onsite Admin:
    made-up people of its language, different for every customer of PARTNERS."""
    number = 2 * _NUMBER_IN_LANGUAGE.get(demo.name, 0)
    admin = demo.admin or made_up_person(demo.language, number)
    return admin, made_up_person(demo.language, number + 1)
