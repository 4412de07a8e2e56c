"""Page load: Lighthouse on the production build, for the sign-in page, the dashboard
and the Customer step (the last two signed in as the demo partner).

The production frontend is built as `make serve` builds it (``reflex export
--frontend-only --env prod``), in a copy of the project in a temporary directory (the
developer's .web is left alone), for a backend on a free loopback port; that backend
(bench/_server.py, one worker, SQLite, demo data) serves the built pages and the
websocket on that one port. Lighthouse is the npm package in .tools/lighthouse (`make
bench-setup`), run with Debian's Chromium (CHROME_PATH) headless, with its default
mobile emulation and simulated throttling. Signed-in pages get the session cookie as
a request header (Lighthouse's --extra-headers: every request of the page, the
websocket's included), so the pages load as they do for a signed-in partner.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import _server, bundle
from bench._timing import heading, table

LIGHTHOUSE = _server.ROOT / ".tools/lighthouse/node_modules/lighthouse/cli/index.js"
BUN = _server.ROOT / ".tools/bun/node_modules/bun/bin/bun.exe"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --no-first-run --disable-dev-shm-usage"
)
PAGES = (("sign-in page", "/sign-in", False), ("dashboard", "/", True))
PAGES += (("Customer step", "/customers/new", True),)
# What the copy of the project leaves out (never needed to build the pages).
LEFT_OUT = {".venv", ".web", ".git", ".tools", ".states", "node_modules", "__pycache__"}


# Lighthouse runs of every page (issue 21: the goal holds three runs in a row), and the goal.
RUNS = 3
GOAL_PERFORMANCE = 95


def _copy_project(target: Path) -> None:
    def ignore(directory: str, names: list[str]) -> set[str]:
        return {n for n in names if n in LEFT_OUT or n.endswith((".db", ".db-journal"))}

    shutil.copytree(_server.ROOT, target, ignore=ignore)


def _build(project: Path, env: dict[str, str]) -> float:
    started = time.perf_counter()
    command = [sys.executable, "-m", "reflex", "export", "--frontend-only", "--no-zip"]
    done = subprocess.run(
        [*command, "--env", "prod"], cwd=project, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise RuntimeError("reflex export failed:\n" + done.stdout[-3000:] + done.stderr[-3000:])
    # As `make serve` builds (cloudlink_app/serve.py): the scripts after the first paint.
    tune = "from cloudlink_app.reflex_internals import production as p; "
    tune += "p.lower_script_priority(p.built_pages_dir())"
    subprocess.run([sys.executable, "-c", tune], cwd=project, env=env, check=True)
    return time.perf_counter() - started


def _lighthouse(url: str, cookie: str | None, report: Path) -> dict:
    command = [
        "node",
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        "--only-categories=performance,accessibility",
        f"--chrome-flags={CHROME_FLAGS}",
        "--max-wait-for-load=60000",
    ]
    if cookie:
        command.append("--extra-headers=" + json.dumps({"Cookie": f"cloudlink_session={cookie}"}))
    done = subprocess.run(
        command, env={**os.environ, "CHROME_PATH": CHROME}, capture_output=True, text=True
    )
    if done.returncode != 0 or not report.exists():
        raise RuntimeError("lighthouse failed:\n" + done.stderr[-3000:])
    result = json.loads(report.read_text())
    # BENCH_LIGHTHOUSE_REPORTS=<directory> keeps each page's whole report (JSON) there.
    if keep := os.environ.get("BENCH_LIGHTHOUSE_REPORTS"):
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(report, Path(keep) / report.name)
    requests = result["audits"]["network-requests"]["details"]["items"]

    def transferred(kind: str) -> int:
        return sum(
            int(r.get("transferSize") or 0) for r in requests if r.get("resourceType") == kind
        )

    audits = result["audits"]
    return {
        "performance": round(result["categories"]["performance"]["score"] * 100),
        "accessibility": round(result["categories"]["accessibility"]["score"] * 100),
        "fcp": audits["first-contentful-paint"]["numericValue"],
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "tbt": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "js": transferred("Script"),
        "css": transferred("Stylesheet"),
        "final_url": result.get("finalDisplayedUrl") or result.get("finalUrl"),
        "failed_accessibility": [
            key
            for key, audit in audits.items()
            if audit.get("score") == 0 and key in _accessibility_audits(result)
        ],
    }


def _accessibility_audits(result: dict) -> set[str]:
    refs = result["categories"]["accessibility"]["auditRefs"]
    return {ref["id"] for ref in refs}


def run(quick: bool = False) -> dict:
    """Build, serve, run Lighthouse on the three pages, print; return the figures."""
    print(heading("6. Page load (Lighthouse, production build)"))
    if not LIGHTHOUSE.exists():
        print(f"Lighthouse is not installed ({LIGHTHOUSE}): run `make bench-setup`.")
        return {}
    from bench.events import _free_port, _wait_for, sign_in

    workdir = Path(tempfile.mkdtemp(prefix="cloudlink-bench-pages-"))
    process = None
    figures: dict = {}
    try:
        project = workdir / "project"
        _copy_project(project)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        env = _server.environment(workdir)
        env.update(REFLEX_API_URL=url, REFLEX_DEPLOY_URL=url)
        # Reflex's JavaScript runtime: the Makefile's bun (`make setup`).
        env.setdefault("REFLEX_BUN_PATH", str(BUN))
        _server.prepare(workdir)
        figures["build_seconds"] = _build(project, env)
        # The byte budgets of this very build (bench/bundle.py), printed beside them.
        print("Page weight of this build (compressed, per page; budgets of issue 21):")
        figures["bytes"] = bundle.report(project / ".web" / "build" / "client")
        log = open(workdir / "server.log", "wb")  # noqa: SIM115 (closed with the process)
        process = subprocess.Popen(
            [sys.executable, "-m", "bench._server", "--port", str(port), "--pages", str(project)],
            cwd=project,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _wait_for(url, process, workdir)
        import asyncio

        cookie, _seconds = asyncio.run(sign_in(url))
        # The goal is "three runs in a row" (issue 21): each run is every page once.
        figures["runs"] = []
        for run_number in range(1, (1 if quick else RUNS) + 1):
            pages = {}
            for name, path, signed_in in PAGES:
                pages[name] = _lighthouse(
                    url + path,
                    cookie if signed_in else None,
                    workdir / f"{path.strip('/') or 'home'}-{run_number}.json".replace("/", "-"),
                )
            figures["runs"].append(pages)
    finally:
        _server.stop(process)
        shutil.rmtree(workdir, ignore_errors=True)
    _print(figures)
    return figures


def _print(figures: dict) -> None:
    print(
        f"Frontend built in {figures['build_seconds']:.0f} s; Lighthouse's default mobile "
        "emulation and simulated throttling; bytes as transferred (compressed)."
    )
    for number, pages in enumerate(figures.get("runs", []), 1):
        print(f"Run {number} of {len(figures['runs'])}:")
        _print_run(pages)
    met = [
        all(
            p["performance"] >= GOAL_PERFORMANCE and p["accessibility"] == 100 for p in run.values()
        )
        for run in figures.get("runs", [])
    ]
    print(
        f"Goal: performance >= {GOAL_PERFORMANCE} and accessibility 100 on every page, "
        f"{RUNS} runs in a row: "
        + ("met" if len(met) >= RUNS and all(met) else f"not met (runs meeting it: {met})")
    )


def _print_run(pages: dict) -> None:
    rows = [
        [
            name,
            page["performance"],
            page["accessibility"],
            f"{page['fcp'] / 1000:.1f}",
            f"{page['lcp'] / 1000:.1f}",
            f"{page['tbt']:.0f}",
            f"{page['cls']:.3f}",
            f"{page['js'] / 1024:.0f}",
            f"{page['css'] / 1024:.0f}",
            page["final_url"],
        ]
        for name, page in pages.items()
    ]
    print(
        table(
            [
                "page",
                "performance",
                "accessibility",
                "FCP s",
                "LCP s",
                "TBT ms",
                "CLS",
                "JS KiB",
                "CSS KiB",
                "shown",
            ],
            rows,
        )
    )
    for name, page in pages.items():
        if page["failed_accessibility"]:
            print(f"{name}: accessibility audits failed: {', '.join(page['failed_accessibility'])}")


if __name__ == "__main__":
    run(quick="--quick" in sys.argv)
