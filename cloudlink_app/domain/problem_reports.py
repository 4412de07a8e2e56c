"""The rules of a problem report: its fields, the applications a problem can be about,
the limits, and ``validate``, which the Report a problem page checks live and the
service checks again before anything is stored (services/problem_reports.py).

Rules report a Problem (a message key and its parameters), rendered last, in the
language of the moment.
"""

from __future__ import annotations

import unicodedata

from cloudlink_app.domain.i18n import N_
from cloudlink_app.domain.limits import Problem, Problems, problems_found, storable

APPLICATION = "application"
SUMMARY = "summary"
DESCRIPTION = "description"
FIELDS = (APPLICATION, SUMMARY, DESCRIPTION)

SUMMARY_MAX = 120  # the column's size
DESCRIPTION_MAX = 5000

# The applications a problem can be about, in the order the page lists them, with
# the catalog keys of their names.
APPLICATIONS: dict[str, str] = {
    "mitel_one": N_("application.mitel_one"),
    "mivoice_office_app": N_("application.mivoice_office_app"),
    "cloudlink_gateway": N_("application.cloudlink_gateway"),
    "other": N_("application.other"),
}


def _one_line(value: str) -> bool:
    # CR, LF and every other control or line/paragraph separator break a line (or a
    # mail header): none may be in a summary.
    return not any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in value)


def application_problem(value: object) -> Problem | None:
    """The problem of the chosen application, if any."""
    if value == "" or value is None:
        return Problem("report_problem.application.required")
    if not isinstance(value, str) or value not in APPLICATIONS:
        return Problem("report_problem.application.unknown")
    return None


def summary_problem(value: object) -> Problem | None:
    """The problem of the summary: required, one line, at most SUMMARY_MAX characters."""
    if not isinstance(value, str) or not value.strip():
        return Problem("report_problem.summary.required")
    if len(value.strip()) > SUMMARY_MAX:
        return Problem("report_problem.summary.too_long", {"max": SUMMARY_MAX})
    if not _one_line(value):
        return Problem("report_problem.summary.one_line")
    if not storable(value):
        return Problem("text.unstorable")
    return None


def description_problem(value: object) -> Problem | None:
    """The problem of the description: required, at most DESCRIPTION_MAX characters."""
    if not isinstance(value, str) or not value.strip():
        return Problem("report_problem.description.required")
    if len(value.strip()) > DESCRIPTION_MAX:
        return Problem("report_problem.description.too_long", {"max": DESCRIPTION_MAX})
    if not storable(value):
        return Problem("text.unstorable")
    return None


def validate(application: object, summary: object, description: object) -> Problems:
    """Every problem of a report, by field id, in the page's order."""
    return problems_found(
        {
            APPLICATION: application_problem(application),
            SUMMARY: summary_problem(summary),
            DESCRIPTION: description_problem(description),
        }
    )
