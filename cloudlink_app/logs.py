"""The app's log output for operators: every ``cloudlink_app`` logger, to stderr.

``configure()`` (called once when the app module is imported, so in every backend
worker process) puts one handler on the ``cloudlink_app`` logger, which every logger of
the app (``cloudlink_app.events``, ``cloudlink_app.startup``, ...) is below, and sets its
level from CLOUDLINK_LOG_LEVEL (default INFO). CLOUDLINK_LOG_FORMAT picks the format:

text (default), one readable line per record (shown here on two)::

    2026-12-01T02:03:04Z INFO event=customer_step_state.set_customer_name user=12
    customer=CL-000123 duration_ms=2.4 outcome=ok

json, one JSON object per line (shown here on three), with the same fields::

    {"timestamp": "2026-12-01T02:03:04.512Z", "level": "INFO", "logger":
    "cloudlink_app.events", "message": "event handled", "event": "customer_step_state.
    set_customer_name", "user": 12, "customer": "CL-000123", "duration_ms": 2.4, "outcome": "ok"}

A record's structured fields are given as ``extra={"fields": {...}}`` (the event log,
state/event_log.py); other records are their message (and traceback). Only what the
caller put in a record is written: nothing is added from the request or the state.

Why this survives the production server: Reflex attaches its own handlers to the
``reflex`` logger only (reflex_base.utils.log), never to the root logger or ours.
Granian configures logging in its supervisor and again in every worker process
(granian.log.configure_logging: ``logging.config.dictConfig`` with
``disable_existing_loggers: False``, for its ``_granian`` and ``granian.access``
loggers). dictConfig "closes" every existing handler, which for a stream handler only
unregisters its name: the handler stays on our logger and keeps writing. With fork
workers the app is imported in the supervisor before forking (the workers inherit the
handler); with spawned workers each worker imports the app itself, so configure() runs
there. The handler looks sys.stderr up for every record, so it writes wherever stderr
is now (a worker's, or Reflex's ``--json`` supervisor pipe, which passes JSON lines with
a level and a message through unchanged).
"""

from __future__ import annotations

import datetime
import json
import logging
import sys
from typing import Any

from cloudlink_app import settings

LOGGER_NAME = "cloudlink_app"
# The attribute a record's structured fields travel in (logger.info(..., extra=...)).
FIELDS = "fields"


def _timestamp(record: logging.LogRecord, digits: int) -> str:
    moment = datetime.datetime.fromtimestamp(record.created, tz=datetime.UTC)
    if digits == 0:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond:06d}"[:digits] + "Z"


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    fields = getattr(record, FIELDS, None)
    return dict(fields) if isinstance(fields, dict) else {}


def _text_value(value: object) -> str:
    if value is None:
        return "none"
    text = str(value)
    # One record, one line; a value with spaces stays one key=value pair.
    if not text or any(c.isspace() or c in '"=' for c in text):
        return json.dumps(text)
    return text


class TextFormatter(logging.Formatter):
    """``2026-12-01T02:03:04Z INFO key=value ...`` (structured records) or
    ``2026-12-01T02:03:04Z WARNING cloudlink_app: message`` (others)."""

    def format(self, record: logging.LogRecord) -> str:
        head = f"{_timestamp(record, 0)} {record.levelname}"
        fields = _fields(record)
        if fields:
            line = head + " " + " ".join(f"{k}={_text_value(v)}" for k, v in fields.items())
        else:
            line = f"{head} {record.name}: {record.getMessage()}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per record: timestamp, level, logger, message, then the
    record's structured fields (and ``exception``, the traceback, when there is one)."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "timestamp": _timestamp(record, 3),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in _fields(record).items():
            payload.setdefault(key, value)
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str)


class StderrHandler(logging.StreamHandler):
    """A stream handler writing to whatever ``sys.stderr`` is when a record comes
    (as logging.lastResort does): a worker's stderr, or a test's captured one."""

    def __init__(self, level: int = logging.NOTSET) -> None:
        logging.Handler.__init__(self, level)

    @property
    def stream(self):
        """The current sys.stderr."""
        return sys.stderr


def configure(current: settings.Settings | None = None) -> logging.Handler:
    """Put the app's stderr handler on the ``cloudlink_app`` logger (replacing the one
    an earlier call put there) with the format and level of ``current`` (default: the
    app's settings). Returns the handler."""
    current = current or settings.get()
    logger = logging.getLogger(LOGGER_NAME)
    for handler in [h for h in logger.handlers if isinstance(h, StderrHandler)]:
        logger.removeHandler(handler)
    handler = StderrHandler()
    handler.setFormatter(JsonFormatter() if current.log_format == "json" else TextFormatter())
    logger.addHandler(handler)
    logger.setLevel(current.log_level)
    return handler
