"""7. Many customers at once: checking and importing 1,000 rows
(services.customer_import), and exporting 100,000 customers (services.customer_export)
with the memory the stream takes.

Targets (issue 22): check within 3 s, import within 10 s on this machine; the export's
memory growing by less than 50 MB while it streams. The memory is what Python allocates
during the stream at its peak (tracemalloc), and the process's resident set before and
after (VmRSS). Each import runs on a new database (the rows must be new customers).
"""

from __future__ import annotations

import csv
import io
import time
import tracemalloc
from pathlib import Path

import sqlalchemy as sa

from bench import _fixtures
from bench._timing import heading, table
from cloudlink_app.domain.customer_import import SheetRow
from cloudlink_app.services import customer_export, customer_import
from cloudlink_app.services.owned_customers import CustomerScope

ROWS = 1000
EXPORTED = 100_000
HEADER = (
    "Customer name;Country;Street address;Address line 2;City;State or province;"
    "Postal code;Business type;Default language;Email domains;Admin contacts;Support contacts"
)


def _file() -> bytes:
    """1,000 customers as a partner would upload them: semicolons, a BOM, every row
    ready."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for n in range(ROWS):
        domain = f"klant{n:04d}.example"
        writer.writerow(
            [
                f"Klant {n:04d} BV",
                "Netherlands",
                f"Damrak {n + 1}",
                "",
                "Amsterdam",
                "",
                "1012 LG",
                "Retail",
                "Dutch",
                domain,
                f"Ada Jansen <ada@{domain}>",
                f"Maintainer: Mia de Vries <mia@{domain}>; "
                f"Onsite Admin: Otto Bakker <otto@{domain}>",
            ]
        )
    return ("\ufeff" + HEADER + "\r\n" + buffer.getvalue()).encode("utf-8")


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run(quick: bool = False) -> dict:
    """Measure and print; return the figures."""
    print(heading("7. Many customers at once (services.customer_import, customer_export)"))
    data = _file()
    figures: dict = {}
    repetitions = 1 if quick else 3
    with _fixtures.TempDatabases() as databases:
        checks, imports = [], []
        for n in range(repetitions):
            engine = databases.engine(f"import-{n}.db")
            partner_id, _other = _fixtures.add_partners(engine)
            with _fixtures.session(engine) as session:
                started = time.perf_counter()
                checked = customer_import.check_file(session, data)
                checks.append(time.perf_counter() - started)
            assert all(row.ready for row in checked) and len(checked) == ROWS
            rows = [SheetRow(row.number, row.cells) for row in checked]
            with _fixtures.session(engine) as session:
                started = time.perf_counter()
                result = customer_import.import_rows(session, CustomerScope(partner_id), rows, None)
                imports.append(time.perf_counter() - started)
            assert len(result.imported) == ROWS
        figures["check_s"] = min(checks)
        figures["import_s"] = min(imports)

        engine = databases.engine("export.db")
        partner_id, other_id = _fixtures.add_partners(engine)
        _fixtures.seed_customers(engine, [partner_id, other_id], EXPORTED)
        rss_before = _rss_mb()
        tracemalloc.start()
        lines = size = 0
        started = time.perf_counter()
        with _fixtures.session(engine) as session:
            for text in customer_export.export_lines(session, CustomerScope(partner_id), "", "en"):
                lines += text.count("\r\n")
                size += len(text.encode("utf-8"))
        figures["export_s"] = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        figures["export_peak_mb"] = peak / 2**20
        figures["export_rss_growth_mb"] = _rss_mb() - rss_before
        figures["export_lines"] = lines - 1
        figures["export_mb"] = size / 2**20
        with engine.connect() as connection:
            assert connection.execute(sa.text("select count(*) from customer")).scalar() == (
                2 * EXPORTED
            )
    print(
        table(
            ("what", "figure", "target"),
            [
                (f"check {ROWS} rows", f"{figures['check_s']:.2f} s", "3 s"),
                (f"import {ROWS} rows (one transaction)", f"{figures['import_s']:.2f} s", "10 s"),
                (
                    f"export {figures['export_lines']:,} customers ({figures['export_mb']:.1f} MB)",
                    f"{figures['export_s']:.1f} s",
                    "",
                ),
                (
                    "  Python's peak allocation while streaming",
                    f"{figures['export_peak_mb']:.1f} MB",
                    "< 50 MB",
                ),
                ("  resident set growth", f"{figures['export_rss_growth_mb']:.1f} MB", "< 50 MB"),
            ],
        )
    )
    return figures
