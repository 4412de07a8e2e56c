"""Texts of the Partner dashboard: statuses, counts, search, paging, deleting drafts."""

CATALOG: dict[str, dict[str, str]] = {
    "en": {
        "status.problem.pbx_unreachable": "Problem: PBX not reachable",
    }
}
