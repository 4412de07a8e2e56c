"""Benchmark 1: server-side validation of the Customer step, per call.

The live check runs validate_customer on every field change, so the figure that
matters is the latency of one call. The baseline is email-validator alone
(validate_email with check_deliverability=False) on the same addresses, one call per
address, timed as one unit per form: what the library costs, so the difference is
what the rules add on top (address data, IDNA domains, names, duplicates, messages).
"""

from __future__ import annotations

from email_validator import validate_email

from bench import _fixtures
from bench._timing import heading, interleaved, ms, once, ratio, table
from cloudlink_app.domain import validation

# Enough samples for a stable p95 and a run well under the time budget.
REPETITIONS = {"realistic": 5000, "large": 200}


def _library_only(addresses: list[str]):
    def call() -> None:
        for address in addresses:
            validate_email(address, check_deliverability=False)

    return call


def run(quick: bool = False) -> dict:
    """Measure and print; return the figures (for the README)."""
    print(heading("1. Customer step validation (domain.validation.validate_customer)"))
    # The first call of a process loads the address data and the free-mail list.
    first_call = once(lambda: validation.validate_customer(_fixtures.realistic_form()))
    cases = {
        "realistic": (_fixtures.realistic_form(), "NL address, 2 domains, 3 admin + 4 support"),
        "large": (_fixtures.large_form(), "500 admin + 500 support contacts"),
    }
    rows, figures = [], {"first_call": first_call}
    for key, (form, label) in cases.items():
        # A sanity check, not a timing one: the benchmark must time the passing path.
        errors = validation.validate_customer(form)
        if errors:
            raise SystemExit(f"the {key} benchmark form does not pass: {errors}")
        addresses = _fixtures.form_addresses(form)
        repetitions = max(10, REPETITIONS[key] // (10 if quick else 1))
        samples = interleaved(
            {
                "rules": lambda form=form: validation.validate_customer(form),
                "library": _library_only(addresses),
            },
            repetitions,
        )
        rules, library = samples["rules"], samples["library"]
        figures[key] = {
            "label": label,
            "addresses": len(addresses),
            "calls": repetitions,
            "rules": rules,
            "library": library,
        }
        rows.append(
            [
                f"{key}: validate_customer",
                label,
                repetitions,
                ms(rules.median),
                ms(rules.p95),
                ratio(rules.median, library.median),
            ]
        )
        rows.append(
            [
                f"{key}: baseline",
                f"validate_email x {len(addresses)} addresses",
                repetitions,
                ms(library.median),
                ms(library.p95),
                "1.0x",
            ]
        )
        rows.append(
            [
                f"{key}: rules on top",
                "median minus baseline",
                "",
                ms(rules.median - library.median),
                "",
                "",
            ]
        )
    print(table(["case", "what", "calls", "median ms", "p95 ms", "vs baseline"], rows))
    print(
        f"First call in a fresh process (loads address data, free-mail list): "
        f"{ms(first_call)} ms, not included above."
    )
    return figures
