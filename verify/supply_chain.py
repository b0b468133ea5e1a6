"""Vulnerability audit of the pinned dependencies (pip-audit), one that never pretends.

The pins of pyproject.toml (runtime and dev) and, for their own dependencies, the versions
installed in this environment are written to a requirements file (sorted, `name==version`,
markers evaluated for this interpreter) and given to pip-audit with `--no-deps
--disable-pip`: nothing is resolved or downloaded, only the advisory service is asked.

pip-audit says "No known vulnerabilities found" and exits 0 even when it could audit no
package at all (its advisory service unreachable, every package "could not be audited").
This check reads its JSON report instead and passes only when every package was audited
and none is vulnerable; a package it could not audit is reported « non audité » / not
audited, and the check fails. It is the one check of `make verify` that reaches beyond
loopback (the advisory service: PyPI's JSON API, or OSV with `--service osv`), which is
why it stays out of `make test`; CI runs it where the service answers
(docs/deployment.md).

Exit status: 0 all audited, none vulnerable; 1 a vulnerability is known; 2 the audit is
incomplete (a package not audited, or the environment out of step with pyproject.toml).
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PASSED, VULNERABLE, INCOMPLETE = 0, 1, 2
NOT_AUDITED = "NOT AUDITED (non audité)"


@dataclass(frozen=True)
class Pin:
    name: str  # canonical
    version: str
    scope: str  # "runtime" or "dev"


@dataclass(frozen=True)
class Vulnerability:
    id: str
    fix_versions: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass
class Audit:
    """What pip-audit's report says of each pin."""

    pins: dict[str, Pin]
    vulnerabilities: dict[str, list[Vulnerability]] = field(default_factory=dict)
    not_audited: dict[str, str] = field(default_factory=dict)  # name → reason
    problems: list[str] = field(default_factory=list)  # the export's, before pip-audit

    @property
    def audited(self) -> list[str]:
        return [name for name in self.pins if name not in self.not_audited]

    @property
    def status(self) -> int:
        if self.vulnerabilities:
            return VULNERABLE
        if self.not_audited or self.problems or not self.pins:
            return INCOMPLETE
        return PASSED


# --- The pins --------------------------------------------------------------------------


def _declared(pyproject: Path) -> dict[str, list[Requirement]]:
    project = tomllib.loads(pyproject.read_text())["project"]
    return {
        "runtime": [Requirement(text) for text in project.get("dependencies", [])],
        "dev": [
            Requirement(text) for text in project.get("optional-dependencies", {}).get("dev", [])
        ],
    }


def _applies(requirement: Requirement, extras: set[str]) -> bool:
    if requirement.marker is None:
        return True
    return any(requirement.marker.evaluate({"extra": extra}) for extra in extras | {""})


def _closure(requirements: list[Requirement], problems: list[str]) -> dict[str, str]:
    """Every distribution the requirements bring, with its installed version."""
    versions: dict[str, str] = {}
    done: dict[str, set[str]] = {}
    queue = [(requirement, "pyproject.toml") for requirement in requirements]
    queue = [(requirement, by) for requirement, by in queue if _applies(requirement, set())]
    while queue:  # markers are evaluated when queued, with the extras asked of the parent
        requirement, wanted_by = queue.pop()
        name = canonicalize_name(requirement.name)
        extras = set(requirement.extras)
        if name in done and extras <= done[name]:
            continue
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            problems.append(
                f"`{name}` (wanted by {wanted_by}) is not installed: run `make install`"
            )
            done[name] = extras
            continue
        versions[name] = distribution.version
        done[name] = done.get(name, set()) | extras
        for text in distribution.requires or []:
            dependency = Requirement(text)
            if _applies(dependency, done[name]):
                queue.append((dependency, name))
    return versions


def pinned_requirements(pyproject: Path = ROOT / "pyproject.toml") -> tuple[dict[str, Pin], list]:
    """The pins to audit, sorted by name, and what keeps the list from being the truth:
    a requirement of pyproject.toml not pinned with `==`, or installed at another version
    (the pin is audited, as it is what gets installed), or a dependency not installed."""
    problems: list[str] = []
    pins: dict[str, Pin] = {}
    for scope, requirements in _declared(pyproject).items():
        direct = {}
        for requirement in requirements:
            name = canonicalize_name(requirement.name)
            exact = [spec.version for spec in requirement.specifier if spec.operator == "=="]
            if len(exact) != 1:
                problems.append(f"`{requirement}` is not pinned with `==` in pyproject.toml")
            else:
                direct[name] = exact[0]
        for name, version in _closure(requirements, problems).items():
            if name in direct and direct[name] != version:
                problems.append(
                    f"`{name}` is pinned at {direct[name]} but {version} is installed: "
                    "run `make install`"
                )
            if name not in pins:  # runtime first: a runtime package stays "runtime"
                pins[name] = Pin(name, direct.get(name, version), scope)
        for name, version in direct.items():
            pins.setdefault(name, Pin(name, version, scope))
    return dict(sorted(pins.items())), sorted(set(problems))


def requirements_text(pins: dict[str, Pin]) -> str:
    return "".join(f"{pin.name}=={pin.version}\n" for pin in pins.values())


# --- pip-audit's report ----------------------------------------------------------------


def read_report(report: str | None, pins: dict[str, Pin], failure: str = "", problems=()) -> Audit:
    """The audit that pip-audit's JSON report (`--format json`) tells of the pins.

    No report, or one that cannot be read, leaves every pin not audited, with `failure`
    (what pip-audit said) as the reason; a pin the report leaves out is not audited either.
    """
    audit = Audit(pins=pins, problems=list(problems))
    try:
        dependencies = json.loads(report or "")["dependencies"]
    except (ValueError, KeyError, TypeError):
        reason = failure.strip() or "pip-audit gave no report"
        audit.not_audited = dict.fromkeys(pins, reason)
        return audit
    seen = set()
    for dependency in dependencies:
        name = canonicalize_name(dependency.get("name", ""))
        if name not in pins:
            continue
        seen.add(name)
        if "skip_reason" in dependency or "vulns" not in dependency:
            reason = dependency.get("skip_reason") or "no result in pip-audit's report"
            audit.not_audited[name] = reason
            continue
        found = [
            Vulnerability(
                id=vuln["id"],
                fix_versions=tuple(vuln.get("fix_versions", [])),
                aliases=tuple(vuln.get("aliases", [])),
            )
            for vuln in dependency["vulns"]
        ]
        if found:
            audit.vulnerabilities[name] = found
    for name in pins:
        if name not in seen:
            audit.not_audited[name] = "absent from pip-audit's report"
    return audit


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render(audit: Audit, heading: str = "") -> str:
    """The audit as Markdown: a summary, then one row per package."""
    vulnerable = len(audit.vulnerabilities)
    clean = len(audit.audited) - vulnerable
    lines = [heading, ""] if heading else []
    lines += [
        "| outcome | packages |",
        "|---|---:|",
        f"| audited, no known vulnerability | {clean} |",
        f"| audited, vulnerable | {vulnerable} |",
        f"| {NOT_AUDITED} | {len(audit.not_audited)} |",
        "",
    ]
    if audit.problems:
        lines += ["The list of pins is not the truth:", ""]
        lines += [f"- {problem}" for problem in audit.problems] + [""]
    lines += ["| package | version | scope | result |", "|---|---|---|---|"]
    for name, pin in audit.pins.items():
        if name in audit.not_audited:
            result = f"{NOT_AUDITED}: {_cell(audit.not_audited[name])}"
        elif name in audit.vulnerabilities:
            result = "VULNERABLE: " + "; ".join(
                vuln.id
                + (f" ({', '.join(vuln.aliases)})" if vuln.aliases else "")
                + (f", fixed in {', '.join(vuln.fix_versions)}" if vuln.fix_versions else "")
                for vuln in audit.vulnerabilities[name]
            )
        else:
            result = "audited, no known vulnerability"
        lines.append(f"| {name} | {pin.version} | {pin.scope} | {result} |")
    lines.append("")
    total = len(audit.pins)
    if audit.status == VULNERABLE:
        lines.append(
            f"**VULNERABLE**: {sum(map(len, audit.vulnerabilities.values()))} known "
            f"vulnerabilities in {vulnerable} of {total} packages."
        )
    if audit.not_audited:
        lines.append(
            f"**{NOT_AUDITED}**: {len(audit.not_audited)} of {total} packages could not be "
            "audited; nothing is known of their vulnerabilities."
        )
    if audit.problems or not audit.pins:
        lines.append("**Incomplete**: the pinned dependencies could not all be listed.")
    if audit.status == PASSED:
        lines.append(f"All {total} packages audited: no known vulnerability.")
    return "\n".join(lines)


# --- Running pip-audit -----------------------------------------------------------------


def run_pip_audit(pins: dict[str, Pin], service: str, timeout: float):
    """pip-audit's JSON report over the pins (None when it gave none), its exit status, and
    its last words (the reason given for every package when there is no report)."""
    with tempfile.TemporaryDirectory() as folder:
        requirements = Path(folder) / "requirements.txt"
        requirements.write_text(requirements_text(pins))
        command = [
            *(sys.executable, "-m", "pip_audit", "--requirement", str(requirements)),
            *("--no-deps", "--disable-pip", "--vulnerability-service", service),
            *("--format", "json", "--desc", "off", "--aliases", "on"),
            *("--progress-spinner", "off", "--timeout", "20"),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return None, None, f"pip-audit did not finish within {timeout:.0f} s"
    said = [line.strip() for line in done.stderr.splitlines() if line.strip()]
    last = said[-1][:300] if said else "nothing"
    return done.stdout or None, done.returncode, f"pip-audit failed: {last}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m verify supply_chain", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--service", choices=["pypi", "osv"], default="pypi")
    parser.add_argument("--timeout", type=float, default=900, help="seconds for the whole run")
    parser.add_argument(
        "--requirements", action="store_true", help="print the exported pins and stop"
    )
    options = parser.parse_args(argv)
    pins, problems = pinned_requirements()
    if options.requirements:
        sys.stdout.write(requirements_text(pins))
        return INCOMPLETE if problems else PASSED
    report, status, failure = run_pip_audit(pins, options.service, options.timeout)
    audit = read_report(report, pins, failure, problems)
    heading = (
        f"pip-audit {metadata.version('pip-audit')} against the `{options.service}` advisory "
        f"service, {len(pins)} pinned packages (pyproject.toml and their dependencies, "
        f"Python {platform.python_version()} on {sys.platform})."
    )
    print(render(audit, heading))
    # pip-audit's own verdict is never repeated: it claims a clean audit and exits 0 even
    # when it could audit nothing. Only its report counts.
    print(f"\n(pip-audit's exit status, {status}, is not taken as a verdict.)")
    return audit.status


if __name__ == "__main__":
    sys.exit(main())
