"""Every rule of the Customer step in one call: what Next checks, what a draft needs.

The browser's live checks and the server's checks on Next call these same functions.
They never raise, whatever the form holds.
"""

from __future__ import annotations

from collections.abc import Callable

from cloudlink_app.domain import forms
from cloudlink_app.domain.address import address_problems
from cloudlink_app.domain.choices import BUSINESS_TYPES, DEFAULT_LANGUAGES
from cloudlink_app.domain.contacts import (
    admin_contact_problems,
    support_contact_problems,
)
from cloudlink_app.domain.domains import domain_problems
from cloudlink_app.domain.i18n import Text

# The step's limits are imported here too, so callers find them next to the rules.
from cloudlink_app.domain.limits import (  # noqa: F401
    ADDRESS_MAX,
    CITY_MAX,
    DOMAIN_MAX,
    EMAIL_MAX,
    MAX_ROWS,
    NAME_MAX,
    POSTAL_CODE_MAX,
    STATE_MAX,
    Problems,
    choice_problem,
    problems_found,
    text_problem,
    texts,
)

_BUSINESS_TYPE_KEYS = frozenset(key for key, _ in BUSINESS_TYPES)
_LANGUAGE_CODES = frozenset(code for code, _ in DEFAULT_LANGUAGES)


def _claimed_nowhere(normal_domain: str) -> bool:
    return False


def validate_customer_name(value: str) -> dict[str, Text]:
    """Message for the customer name (1-100 characters after trimming), if wrong."""
    return texts(_customer_name_problems(value))


def customer_problems(
    form: forms.CustomerForm, is_claimed_elsewhere: Callable[[str], bool]
) -> Problems:
    """Every problem of the step, keyed by field id, in the order of the page."""
    problems = _customer_name_problems(form.customer_name)
    problems.update(address_problems(*forms.address_parts(form)))
    problems.update(
        problems_found(
            {
                forms.BUSINESS_TYPE: choice_problem(
                    form.business_type, _BUSINESS_TYPE_KEYS, "business_type"
                ),
                forms.DEFAULT_LANGUAGE: choice_problem(
                    form.default_language, _LANGUAGE_CODES, "default_language"
                ),
            }
        )
    )
    problems.update(domain_problems(form.email_domains, is_claimed_elsewhere))
    problems.update(admin_contact_problems(form.admin_contacts))
    # Support contact problems end with the missing roles, as the page lists them.
    problems.update(support_contact_problems(form.support_contacts))
    return problems


def validate_customer(
    form: forms.CustomerForm,
    is_claimed_elsewhere: Callable[[str], bool] = _claimed_nowhere,
) -> dict[str, Text]:
    """Messages for every field of the step that breaks a rule, by field id, in page
    order. ``is_claimed_elsewhere(normal)`` says whether another customer account
    already has an email domain."""
    return texts(customer_problems(form, is_claimed_elsewhere))


def validate_draft(form: forms.CustomerForm) -> dict[str, Text]:
    """Messages that stop "Save and return": a customer name (to list the draft by)
    and the hard limits (lengths, row counts, values outside a list, unstorable text).
    Everything else may be incomplete in a draft."""
    problems = customer_problems(form, _claimed_nowhere)
    return texts(
        {
            field: problem
            for field, problem in problems.items()
            if field == forms.CUSTOMER_NAME or problem.is_hard_limit
        }
    )


def _customer_name_problems(value: str) -> Problems:
    return problems_found({forms.CUSTOMER_NAME: text_problem(value, NAME_MAX, "customer_name")})
