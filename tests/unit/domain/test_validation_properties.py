"""Properties over generated forms: no input makes the rules raise, and their answers
keep their promises (page order, drafts need less than Next, one normal form)."""

import operator

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cloudlink_app.domain import forms
from cloudlink_app.domain.contacts import EmailError, normalize_email
from cloudlink_app.domain.domains import DomainError, normalize_domain
from cloudlink_app.domain.validation import validate_customer as _validate_customer
from cloudlink_app.domain.validation import validate_draft as _validate_draft
from tests.support.texts import in_english

# The rules return Texts; these tests read them as the page words them in English.
validate_customer = in_english(_validate_customer)
validate_draft = in_english(_validate_draft)

PROPERTY_SETTINGS = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Values the page really sends, mixed with anything at all: control characters, lone
# surrogates (a browser can send them as JSON), emoji and huge pastes.
REAL_VALUES = st.sampled_from(
    [
        "",
        " ",
        "Acme B.V.",
        "NL",
        "US",
        "CA",
        "GB",
        "HK",
        "nl",
        "XX",
        "1234 AB",
        "1234ab",
        "94043",
        "SW1A 1AA",
        "Kowloon",
        "gmail.com",
        "acme.nl",
        "ACME.nl.",
        "bücher.example",
        "xn--bcher-kva.example",
        "anna@acme.nl",
        "Anna@ACME.NL",
        "用户@例子.广告",
        "maintainer",
        "onsite_admin",
        "other",
        "information_technology",
        "en",
        "da",
    ]
)
ANY_TEXT = st.text(st.characters(exclude_categories=()), max_size=40)
HUGE_TEXT = st.sampled_from(
    ["x" * 100_000, "😀" * 50_000, "\x00" * 1_000, "a@" + "b." * 10_000 + "com"]
)
TEXT = st.one_of(
    REAL_VALUES,
    ANY_TEXT,
    st.builds(operator.add, REAL_VALUES, ANY_TEXT),
    HUGE_TEXT,
)
ROW_ID = st.integers(min_value=0, max_value=10**9)


def _rows(row_strategy):
    return st.lists(row_strategy, max_size=4, unique_by=lambda row: row.id)


FORMS = st.builds(
    forms.CustomerForm,
    customer_name=TEXT,
    country=TEXT,
    street_address=TEXT,
    address_line2=TEXT,
    city=TEXT,
    state_province=TEXT,
    postal_code=TEXT,
    business_type=TEXT,
    default_language=TEXT,
    email_domains=_rows(st.builds(forms.DomainRow, id=ROW_ID, value=TEXT)),
    admin_contacts=_rows(
        st.builds(
            forms.AdminContactRow,
            id=ROW_ID,
            first_name=TEXT,
            last_name=TEXT,
            email=TEXT,
        )
    ),
    support_contacts=_rows(
        st.builds(forms.SupportContactRow, id=ROW_ID, role=TEXT, name=TEXT, email=TEXT)
    ),
)


def _page_order(form):
    """Every field id an error can have, in the order the page shows them."""
    yield from forms.SCALAR_FIELDS
    yield forms.EMAIL_DOMAINS
    for row in form.email_domains:
        yield forms.domain_field(row.id)
    yield forms.ADMIN_CONTACTS
    for row in form.admin_contacts:
        for part in ("first_name", "last_name", "email"):
            yield forms.admin_field(row.id, part)
    yield forms.SUPPORT_CONTACTS
    for row in form.support_contacts:
        for part in ("role", "name", "email"):
            yield forms.support_field(row.id, part)
    yield forms.SUPPORT_MISSING_MAINTAINER
    yield forms.SUPPORT_MISSING_ONSITE_ADMIN


@PROPERTY_SETTINGS
@given(form=FORMS, claimed=st.booleans())
def test_validate_customer_answers_any_form_in_page_order(form, claimed):
    asked = []

    def is_claimed_elsewhere(normal):
        asked.append(normal)
        return claimed

    errors = validate_customer(form, is_claimed_elsewhere)

    order = list(_page_order(form))
    assert list(errors) == [field for field in order if field in errors]
    assert all(isinstance(text, str) and " " in text for text in errors.values())
    # Only normal forms reach the database look-up.
    assert all(normalize_domain(normal) == normal for normal in asked)


@PROPERTY_SETTINGS
@given(form=FORMS)
def test_a_draft_never_needs_more_than_next(form):
    draft_errors = validate_draft(form)
    errors = validate_customer(form)
    assert draft_errors.items() <= errors.items()


@PROPERTY_SETTINGS
@given(value=TEXT)
def test_domains_have_one_normal_form(value):
    try:
        normal = normalize_domain(value)
    except DomainError:
        return
    assert normalize_domain(normal) == normal
    assert normal.isascii() and normal == normal.lower()


@PROPERTY_SETTINGS
@given(value=TEXT)
def test_email_addresses_have_one_normal_form(value):
    try:
        normal = normalize_email(value)
    except EmailError:
        return
    assert normalize_email(normal) == normal


def test_rules_refuse_huge_lists_without_raising():
    many = range(100_000)
    form = forms.CustomerForm(
        email_domains=[forms.DomainRow(i, "x" * 1_000) for i in many],
        admin_contacts=[forms.AdminContactRow(i) for i in many],
        support_contacts=[forms.SupportContactRow(i) for i in many],
    )
    assert set(validate_customer(form)) >= {
        forms.EMAIL_DOMAINS,
        forms.ADMIN_CONTACTS,
        forms.SUPPORT_CONTACTS,
    }
