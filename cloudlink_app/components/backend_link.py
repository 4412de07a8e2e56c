"""A link to a download of the backend (http/customer_files.py): the browser's own
request, with the session cookie, to the backend's URL as Reflex's frontend reaches it."""

from __future__ import annotations

import reflex as rx

from cloudlink_app.reflex_internals.frontend import backend_url


def backend_link(label, path: str, query, *, filename: str, **props):
    """A link to the backend's ``path`` with ``query`` ("?..."; a Var or text) that
    downloads ``filename``."""
    return rx.el.a(label, href=backend_url(path) + query, download=filename, **props)
