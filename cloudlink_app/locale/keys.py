"""The catalog keys the code chooses at run time, where Babel's extraction (babel.cfg)
cannot see them: ``t(f"step.{step}")``, ``Problem(f"{prefix}.required")`` and the like.

Each family is computed from the domain's own constants, so a new step, role, choice
or rule field adds its keys here by itself. tests/unit/test_catalogs.py takes the keys
the code uses as Babel's extraction plus ``run_time_keys()``. Nothing in the app
imports this module.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from cloudlink_app import routes
from cloudlink_app.domain import (
    checks,
    choices,
    customer_import,
    forms,
    gateway,
    limits,
    passwords,
    pbx,
    permissions,
    team,
    wizard_path,
)

_TEXT = ("required", "too_long")  # limits.text_problem
_CHOICE = ("required", "unknown")  # limits.choice_problem
_HOST = ("required", "too_long", "format")  # pbx.normalize_host's HostError
_CONTACT_EMAIL = ("required", "too_long", "duplicate")  # contacts._email_problem

# Rule messages: ``{prefix}.{suffix}`` as the rules of domain/ build them.
RULE_KEYS: dict[str, tuple[str, ...]] = {
    forms.CUSTOMER_NAME: _TEXT,
    forms.STREET_ADDRESS: _TEXT,
    forms.ADDRESS_LINE2: ("too_long",),  # never required
    forms.CITY: _TEXT,
    forms.STATE_PROVINCE: _TEXT,
    forms.POSTAL_CODE: _TEXT,
    forms.COUNTRY: _CHOICE,
    forms.BUSINESS_TYPE: _CHOICE,
    forms.DEFAULT_LANGUAGE: _CHOICE,
    forms.EMAIL_DOMAINS: ("too_many",),
    forms.ADMIN_CONTACTS: ("too_many",),
    forms.SUPPORT_CONTACTS: ("too_many",),
    "admin.first_name": _TEXT,
    "admin.last_name": _TEXT,
    "admin.email": _CONTACT_EMAIL,
    "support.role": _CHOICE,
    "support.name": _TEXT,
    "support.email": _CONTACT_EMAIL,
    forms.SITE_NAME: _TEXT,
    forms.DEPLOYMENT_TYPE: _CHOICE,
    forms.MAC_ADDRESS: ("too_long",),
    forms.PBX_TYPE: _CHOICE,
    forms.PBX_ADDRESS: _HOST,
    forms.SYNC_ADDRESS: _HOST,
    "port": ("too_long",),
    passwords.NEW_PASSWORD: (
        "required",
        "too_long",
        "unstorable",
        "too_short",
        "is_email",
        "common",
    ),
    passwords.CONFIRM_PASSWORD: ("required", "mismatch"),
    team.MEMBER_NAME: _TEXT,
    team.MEMBER_ROLE: _CHOICE,
    team.MEMBER_CUSTOMERS: (*_CHOICE, "too_many"),
}

# Labels and names: ``{prefix}{name}`` for every name the domain lists.
KEY_FAMILIES: dict[str, tuple[str, ...]] = {
    "step.": wizard_path.ALL_STEPS,
    "mail_limit.": limits.MAIL_LIMIT_NAMES,
    "role_name.": permissions.ROLES,
    "team_status.": team.STATUSES,
    "team_event.": team.ACTIONS,
    "sign_in.": routes.SIGN_IN_ERRORS,
    "check.result.": checks.OUTCOMES,
    "status.": (wizard_path.PROBLEM_PBX_UNREACHABLE.replace(":", ".", 1),),
    "business_type.": tuple(key for key, _ in choices.business_type_options()),
    "language.": tuple(code for code, _ in choices.language_options()),
    "role.": forms.ROLES,
    "deployment_type.": tuple(key for key, _ in gateway.deployment_type_options()),
    "pbx_type.": tuple(key for key, _ in pbx.pbx_type_options()),
    # Fields labelled by their id (pages/gateway_step, components/system_address).
    "label.": (forms.MAC_ADDRESS, forms.SYSTEM_ID, forms.PBX_ADDRESS, forms.SYNC_ADDRESS),
    # The import's and the export's columns (domain/customer_import, services/customer_export).
    "import.column.": (*customer_import.COLUMNS, *customer_import.EXTRA_COLUMNS),
    "hint.": (forms.MAC_ADDRESS, forms.SYSTEM_ID, forms.PBX_ADDRESS, forms.SYNC_ADDRESS),
}

# Address fields a country may make optional (components/address_fields).
_MAYBE_OPTIONAL = (forms.CITY, forms.STATE_PROVINCE, forms.POSTAL_CODE)
# The Customer step's lists, each with a heading, a hint and an add button.
_LISTS = ("domains", "admins", "support")
# The contact lists' keys and their forms.ROW_KINDS names.
_CONTACT_ROWS = {"admins": forms.ADMIN_CONTACTS, "support": forms.SUPPORT_CONTACTS}


def run_time_keys() -> set[str]:
    """Every key the code builds at run time."""
    keys = {f"{prefix}.{suffix}" for prefix, suffixes in RULE_KEYS.items() for suffix in suffixes}
    keys |= {prefix + name for prefix, names in KEY_FAMILIES.items() for name in names}
    keys |= {
        f"label.{field}{optional}" for field in _MAYBE_OPTIONAL for optional in ("", "_optional")
    }
    keys |= {f"{section}.{part}" for section in _LISTS for part in ("heading", "hint", "add")}
    # Each contact row: a legend, a Remove button and a label per part
    # (pages/customer_step._contact_row: "{key}.{part}" for forms.ROW_KINDS' parts).
    for section, kind in _CONTACT_ROWS.items():
        parts = (*forms.ROW_KINDS[kind].max_length, "legend", "remove")
        keys |= {f"{section}.{part}" for part in parts}
    return keys


def add_to_template(pot: Path) -> None:
    """Add the run-time keys to the extracted template ``pot`` (``make catalogs``), so
    ``pybabel update`` keeps them in every language's catalog."""
    with pot.open("rb") as file:
        template = read_po(file)
    for key in sorted(run_time_keys()):
        if key not in template:
            template.add(key, locations=[("cloudlink_app/locale/keys.py", 0)])
    # Translators see the English text above every entry (pybabel update copies the
    # template's comments into each language's catalog).
    english_po = pot.parent / "en" / "LC_MESSAGES" / "messages.po"
    if english_po.exists():
        with english_po.open("rb") as file:
            english = read_po(file)
        for message in template:
            source = english.get(message.id) if message.id else None
            if source is not None and source.string:
                message.auto_comments = [f"English: {source.string}"]
    with pot.open("wb") as file:
        write_po(file, template, sort_output=True, include_lineno=False)


if __name__ == "__main__":
    add_to_template(Path(sys.argv[1]))
