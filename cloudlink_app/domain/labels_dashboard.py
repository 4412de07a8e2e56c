"""Texts of the Partner dashboard: statuses, counts, search, paging, deleting drafts."""

CATALOG: dict[str, dict[str, str]] = {
    "en": {
        "status.problem.pbx_unreachable": "Problem: PBX not reachable",
        "dashboard.counts.label": "Customers by status",
        "dashboard.counts.in_progress": "In progress",
        "dashboard.counts.problems": "Problems",
        "dashboard.counts.onboarded": "Onboarded",
        "dashboard.caption": "Your customers, last saved first",
        "dashboard.col.actions": "Actions",
        "dashboard.paging_label": "Pages of customers",
        "dashboard.page_one_customer": "Page {page} of {pages} (1 customer)",
        "dashboard.delete": "Delete",
        "dashboard.delete_label": "Delete draft {name}",
        "dashboard.delete.title": "Delete the draft for {name}?",
        "dashboard.delete.body": "Everything saved for this customer is deleted: its "
        "details, email domains, contacts and connection checks. This cannot be undone.",
        "dashboard.delete.confirm": "Delete draft",
        "dashboard.delete.keep": "Keep draft",
        "dashboard.deleted": "The draft for {name} was deleted.",
        "notice.draft_not_found": "This customer does not exist or is not yours. "
        "Nothing was deleted.",
        "notice.not_a_draft": "This customer is onboarded: only drafts can be deleted. "
        "Nothing was deleted.",
        "notice.partners_only_delete": "Only partner users can delete drafts. Nothing was deleted.",
        "notice.delete_not_confirmed": "Choose Delete on the customer's row and confirm "
        "first. Nothing was deleted.",
    }
}
