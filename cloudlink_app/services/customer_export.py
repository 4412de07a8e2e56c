"""Every customer the dashboard's search finds, as CSV, streamed a batch at a time.

The customers are those of ``customer_list.search_select`` (the dashboard's search,
within the caller's scope), last saved first. Their ids are read first in one query
(the order of that moment: a customer saved while the file streams neither moves nor
repeats), then ``_BATCH`` customers at a time with their lists, so the memory used
does not grow with the number of customers. Cells are written neutralised (OWASP's
CSV injection advice, domain/spreadsheet.neutralised); the text is UTF-8 with a BOM
so that Excel opens it as UTF-8.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlmodel import Session, col, select

from cloudlink_app.domain import customer_import, forms, spreadsheet, statuses
from cloudlink_app.models import AdminContact, Customer, EmailDomain, SupportContact
from cloudlink_app.services import customer_list
from cloudlink_app.services.owned_customers import CustomerScope

_BATCH = 500
EXTRA = (customer_import.ACCOUNT_ID, customer_import.STATUS, customer_import.LAST_SAVED)


def export_lines(session: Session, scope: CustomerScope, search: str, lang: str) -> Iterator[str]:
    """The CSV file line by line: the header (in ``lang``), then one line per customer."""
    yield spreadsheet.UTF8_BOM + spreadsheet.csv_line(customer_import.header_cells(lang, *EXTRA))
    query = customer_list.search_select(session, scope, search, col(Customer.id)).order_by(
        col(Customer.updated_at).desc(), col(Customer.id).desc()
    )
    ids = list(session.exec(query))
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        yield "".join(_lines(session, batch, lang))
        # The batch's objects are not needed again: keep the session's memory flat.
        session.expunge_all()


def _lines(session: Session, ids: list[int], lang: str) -> Iterator[str]:
    found = {c.id: c for c in session.exec(select(Customer).where(col(Customer.id).in_(ids)))}
    domains: dict[int, list[forms.DomainRow]] = {}
    for row in session.exec(
        select(EmailDomain)
        .where(col(EmailDomain.customer_id).in_(ids))
        .order_by(col(EmailDomain.position))
    ):
        domains.setdefault(row.customer_id, []).append(forms.DomainRow(0, row.domain))
    admins: dict[int, list[forms.AdminContactRow]] = {}
    for admin in session.exec(
        select(AdminContact)
        .where(col(AdminContact.customer_id).in_(ids))
        .order_by(col(AdminContact.position))
    ):
        admins.setdefault(admin.customer_id, []).append(
            forms.AdminContactRow(0, admin.first_name, admin.last_name, admin.email)
        )
    support: dict[int, list[forms.SupportContactRow]] = {}
    for contact in session.exec(
        select(SupportContact)
        .where(col(SupportContact.customer_id).in_(ids))
        .order_by(col(SupportContact.position))
    ):
        support.setdefault(contact.customer_id, []).append(
            forms.SupportContactRow(0, contact.role, contact.name, contact.email)
        )
    for customer_id in ids:
        customer = found.get(customer_id)
        if customer is None:  # deleted since the ids were read
            continue
        form = forms.CustomerForm(
            customer_name=customer.name,
            country=customer.country,
            street_address=customer.street_address,
            address_line2=customer.address_line2,
            city=customer.city,
            state_province=customer.state_province,
            postal_code=customer.postal_code,
            business_type=customer.business_type,
            default_language=customer.default_language,
            email_domains=domains.get(customer_id, []),
            admin_contacts=admins.get(customer_id, []),
            support_contacts=support.get(customer_id, []),
        )
        cells = customer_import.form_cells(form, lang)
        yield spreadsheet.csv_line(
            [
                *(cells[column] for column in customer_import.COLUMNS),
                customer.account_id,
                statuses.status_text(customer.status, lang),
                customer.updated_at.strftime("%Y-%m-%d %H:%M UTC"),
            ]
        )
