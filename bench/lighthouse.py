"""Lighthouse on the main pages, mobile, printed as a Markdown table.

    python -m bench.lighthouse [--runs 3] [--pages atlas,portrait,…] [--keep-reports]

Lighthouse (the npm package, pinned below) is installed at bench time into
var/bench/lighthouse/ — Node is needed for the bench only, never to run the site. It drives
Debian's Chromium (CHROME_PATH, headless, the flags of tests/browser/conftest.py) against
the server of bench/territories.py (`serving()`: uvicorn on the collected static files, the
demo content loaded) on the registry that bench imported into var/bench/territories/
(`python -m bench.territories --quick` makes it when it is missing).

Lighthouse's default mobile settings: a Moto G Power's screen, simulated slow 4G and a CPU
four times slower (Lantern's simulation over the trace of an unthrottled load). Each page
is measured `--runs` times (3 by default), the pages taking turns, and each figure is the
median of its runs. If Lighthouse cannot run here (no Node, npm or Chromium, an
installation or a run that fails), the bench says why and exits with status 1: it never
prints figures it did not measure.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bench.territories import (
    BENCH_DIR,
    CHROMIUM,
    DATA_DIR,
    PAGE_MARK,
    PAGE_PATH,
    http_get,
    load_average,
    log,
    serving,
)

LIGHTHOUSE_VERSION = "12.8.2"
INSTALL_DIR = BENCH_DIR / "lighthouse"
LIGHTHOUSE = INSTALL_DIR / "node_modules" / ".bin" / "lighthouse"
REPORTS_DIR = BENCH_DIR / "lighthouse-reports"

# tests/browser/conftest.py's flags: headless, no sandbox (containers), WebGL in software.
CHROME_FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--use-gl=angle",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]
CATEGORIES = ("performance", "accessibility", "best-practices")


@dataclass(frozen=True)
class Page:
    name: str
    label: str
    path: str
    mark: str  # text the page must hold: it has its content, not an error
    target: int  # performance score asked


PAGES = [
    Page("atlas", "Atlas (home)", "/", "Atlas des territoires", 80),
    Page("portrait", "Portrait of Mouans-Sartoux", PAGE_PATH, PAGE_MARK, 90),
    Page("search", "Search with results", "/recherche/?q=Mouans-Sartoux", "PACT²", 90),
    Page(
        "initiative",
        "An initiative",
        "/initiatives/pact2-rendre-transmissible-lexperience-pionniere-de-mouans-sartoux/",
        "PACT²",
        90,
    ),
    Page("login", "Login", "/comptes/connexion/", "Mot de passe", 90),
    Page("api-docs", "API docs", "/api/v1/docs", "openapi.json", 90),
]
ACCESSIBILITY_TARGET = 100


class CannotRun(Exception):
    """Lighthouse cannot run on this machine: the reason, for the report."""


def install() -> str:
    """The pinned Lighthouse in var/bench/lighthouse/ (installed once); its version."""
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            raise CannotRun(f"`{tool}` is not installed (Lighthouse is an npm package)")
    if not Path(CHROMIUM).exists():
        raise CannotRun(f"no Chromium at {CHROMIUM} (make chromium)")
    if not LIGHTHOUSE.exists() or installed_version() != LIGHTHOUSE_VERSION:
        INSTALL_DIR.mkdir(parents=True, exist_ok=True)
        log(f"npm install lighthouse@{LIGHTHOUSE_VERSION} into {INSTALL_DIR}")
        completed = subprocess.run(
            [
                "npm",
                "install",
                "--no-audit",
                "--no-fund",
                "--ignore-scripts",
                "--save-exact",
                f"lighthouse@{LIGHTHOUSE_VERSION}",
            ],
            cwd=INSTALL_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode or not LIGHTHOUSE.exists():
            tail = "\n".join(completed.stderr.strip().splitlines()[-5:])
            raise CannotRun(f"npm could not install lighthouse@{LIGHTHOUSE_VERSION}:\n{tail}")
    return installed_version()


def installed_version() -> str:
    package = INSTALL_DIR / "node_modules" / "lighthouse" / "package.json"
    try:
        return json.loads(package.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return ""


ATTEMPTS = 3  # Lighthouse asks to run again after a trace it could not record (NO_NAVSTART)


def lighthouse_run(url: str, report: Path) -> dict:
    """One Lighthouse run (mobile, its default settings), run again up to ATTEMPTS times
    when it fails; the JSON report, read, with the failures before it."""
    failures = []
    while True:
        try:
            result = _lighthouse_once(url, report)
        except CannotRun as error:
            failures.append(str(error).splitlines()[-1])
            if len(failures) == ATTEMPTS:
                raise
            log(f"run again: {failures[-1]}")
            continue
        result["benchFailures"] = failures
        return result


def _lighthouse_once(url: str, report: Path) -> dict:
    command = [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={' '.join(CHROME_FLAGS)}",
        "--max-wait-for-load=60000",
    ]
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    report.unlink(missing_ok=True)
    try:
        completed = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=300, check=False
        )
    except subprocess.TimeoutExpired as error:
        raise CannotRun(f"Lighthouse on {url}: no report after {error.timeout} s") from error
    if completed.returncode or not report.exists():
        tail = "\n".join((completed.stderr or completed.stdout).strip().splitlines()[-8:])
        raise CannotRun(f"Lighthouse failed on {url} (exit {completed.returncode}):\n{tail}")
    result = json.loads(report.read_text(encoding="utf-8"))
    if result.get("runtimeError"):
        raise CannotRun(f"Lighthouse on {url}: {result['runtimeError'].get('message')}")
    return result


def figures(result: dict) -> dict:
    """What the table shows of one run, and what failed (for the notes)."""
    categories = result["categories"]
    audits = result["audits"]

    def score(category):
        value = categories[category]["score"]
        return None if value is None else round(value * 100)

    def failing(category):
        return sorted(
            ref["id"]
            for ref in categories[category]["auditRefs"]
            if ref["weight"] > 0
            and (audits[ref["id"]].get("score") or 0) < 1
            # "not applicable" and informative audits have no score
            and audits[ref["id"]].get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
        )

    return {
        "performance": score("performance"),
        "accessibility": score("accessibility"),
        "best-practices": score("best-practices"),
        "fcp": audits["first-contentful-paint"]["numericValue"],
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "tbt": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "si": audits["speed-index"]["numericValue"],
        "bytes": audits["total-byte-weight"]["numericValue"],
        "failing": {
            "accessibility": failing("accessibility"),
            "best-practices": failing("best-practices"),
        },
        "warnings": result.get("runWarnings", []),
        "failures": result.get("benchFailures", []),
    }


def check_pages(port: int, pages: list[Page]):
    """Every page answers 200 with its content before anything is measured."""
    for page in pages:
        status, body = http_get(port, page.path)
        if status != 200 or page.mark.encode() not in body:
            raise RuntimeError(
                f"{page.path} answered {status} without “{page.mark}”: not the page to measure"
            )


def measure(port: int, pages: list[Page], runs: int, keep: bool) -> dict[str, list[dict]]:
    results = {page.name: [] for page in pages}
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as scratch:
        for round_ in range(runs):
            for page in pages:  # the pages take turns: a slow moment hits them all
                log(f"lighthouse {page.name} ({round_ + 1}/{runs})")
                report = Path(scratch) / f"{page.name}-{round_ + 1}.json"
                results[page.name].append(figures(lighthouse_run(base + page.path, report)))
                if keep:
                    REPORTS_DIR.mkdir(parents=True, exist_ok=True)
                    shutil.copy(report, REPORTS_DIR / report.name)
    return results


def median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def spread(runs: list[dict], key: str, show) -> str:
    values = [run[key] for run in runs]
    text = show(statistics.median(values))
    if len(values) > 1 and min(values) != max(values):
        text += f" ({show(min(values))} – {show(max(values))})"
    return text


def seconds(value: float) -> str:
    return f"{value / 1000:.1f} s"


def millis(value: float) -> str:
    return f"{value:.0f} ms"


def markdown(pages: list[Page], results: dict[str, list[dict]]) -> tuple[str, bool]:
    """The table, its notes, and whether every target is met."""
    lines = [
        "| Page | Performance | Accessibility | Best practices | FCP | LCP | TBT | CLS "
        "| Bytes | Target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    notes, met = [], True
    for page in pages:
        runs = results[page.name]
        performance = median(runs, "performance")
        accessibility = median(runs, "accessibility")
        ok = performance >= page.target and accessibility >= ACCESSIBILITY_TARGET
        met = met and ok
        lines.append(
            f"| {page.label} `{page.path.split('?')[0]}` "
            f"| {spread(runs, 'performance', lambda v: f'{v:.0f}')} "
            f"| {spread(runs, 'accessibility', lambda v: f'{v:.0f}')} "
            f"| {spread(runs, 'best-practices', lambda v: f'{v:.0f}')} "
            f"| {seconds(median(runs, 'fcp'))} "
            f"| {spread(runs, 'lcp', seconds)} "
            f"| {spread(runs, 'tbt', millis)} "
            f"| {median(runs, 'cls'):.3f} "
            f"| {median(runs, 'bytes') / 1000:.0f} kB "
            f"| ≥ {page.target}, a11y {ACCESSIBILITY_TARGET}: {'ok' if ok else '**under**'} |"
        )
        for category in ("accessibility", "best-practices"):
            failing = sorted({audit for run in runs for audit in run["failing"][category]})
            if failing:
                notes.append(f"{page.label}: {category} audits failed: {', '.join(failing)}.")
        failures = [failure for run in runs for failure in run["failures"]]
        if failures:
            notes.append(
                f"{page.label}: {len(failures)} run(s) failed and were run again: "
                + "; ".join(sorted(set(failures)))
            )
        warnings = sorted({warning for run in runs for warning in run["warnings"]})
        for warning in warnings:
            notes.append(f"{page.label}: Lighthouse warned: {' '.join(warning.split())}")
    return "\n".join(lines + [""] + [f"- {note}" for note in notes]), met


def ensure_registry():
    if not (DATA_DIR / "atlas.pmtiles").exists():
        log("no registry in var/bench/territories/: python -m bench.territories --quick")
        subprocess.run(
            [sys.executable, "-m", "bench.territories", "--quick"],
            check=True,
            stdout=subprocess.DEVNULL,
        )


def chromium_version() -> str:
    completed = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True, check=False)
    return completed.stdout.strip() or "Chromium"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.lighthouse", description=__doc__)
    parser.add_argument("--runs", type=int, default=3, help="runs per page (3: the median)")
    parser.add_argument(
        "--pages",
        default=",".join(page.name for page in PAGES),
        help="pages to measure, comma-separated: " + ", ".join(page.name for page in PAGES),
    )
    parser.add_argument(
        "--keep-reports", action="store_true", help=f"keep the JSON reports in {REPORTS_DIR}"
    )
    options = parser.parse_args(argv)
    names = options.pages.split(",")
    pages = [page for page in PAGES if page.name in names]
    if len(pages) != len(names):
        parser.error(f"unknown page among {options.pages}")
    started = time.perf_counter()
    load_before = load_average()
    try:
        version = install()
        ensure_registry()
        with serving(DATA_DIR) as port:
            check_pages(port, pages)
            results = measure(port, pages, options.runs, options.keep_reports)
    except CannotRun as error:
        print(f"## Lighthouse (bench/lighthouse.py)\n\nLighthouse could not run here: {error}")
        return 1
    table, _met = markdown(pages, results)
    elapsed = time.perf_counter() - started
    print(
        "\n".join(
            [
                "## Lighthouse, mobile (bench/lighthouse.py)",
                "",
                f"Run of {datetime.now():%Y-%m-%d %H:%M} ({elapsed:.0f} s): Lighthouse "
                f"{version}, mobile preset (simulated slow 4G, CPU × 4), {chromium_version()} "
                f"headless; median of {options.runs} runs per page (min – max in brackets). "
                f"Load average before / after: {load_before} → {load_average()}.",
                "",
                table,
            ]
        ),
        flush=True,
    )
    # A target missed shows in the table (**under**), as in the other benches; only a
    # bench that could not measure fails.
    return 0


if __name__ == "__main__":
    sys.exit(main())
