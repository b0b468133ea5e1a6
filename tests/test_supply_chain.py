"""The vulnerability audit (verify/supply_chain.py) reads pip-audit's JSON report and never
claims a package it could not audit is free of vulnerabilities. Canned reports, no network."""

import json

import pytest

from verify import supply_chain
from verify.supply_chain import INCOMPLETE, NOT_AUDITED, PASSED, VULNERABLE, Pin, read_report

PINS = {
    "django": Pin("django", "5.2.19", "runtime"),
    "pyyaml": Pin("pyyaml", "6.0.3", "runtime"),
    "pytest": Pin("pytest", "9.2.0", "dev"),
}


@pytest.fixture(autouse=True)
def _db_for_all():
    """Overrides the conftest's fixture: these checks never touch the database."""


def report(*dependencies):
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


def clean(name, version):
    return {"name": name, "version": version, "vulns": []}


def skipped(name, version):
    reason = f"Dependency not found on PyPI and could not be audited: {name} ({version})"
    return {"name": name, "skip_reason": reason}


CLEAN = report(clean("django", "5.2.19"), clean("pyyaml", "6.0.3"), clean("pytest", "9.2.0"))
VULNERABLE_REPORT = report(
    {
        "name": "django",
        "version": "5.2.19",
        "vulns": [
            {
                "id": "PYSEC-2099-1",
                "fix_versions": ["5.2.20"],
                "aliases": ["CVE-2099-0001", "GHSA-xxxx-yyyy-zzzz"],
            }
        ],
    },
    clean("pyyaml", "6.0.3"),
    clean("pytest", "9.2.0"),
)
# What pip-audit 2.10 writes here, where PyPI's JSON API does not answer: every package
# skipped, and "No known vulnerabilities found" on stderr with exit status 0.
UNREACHABLE = report(
    skipped("django", "5.2.19"), skipped("pyyaml", "6.0.3"), skipped("pytest", "9.2.0")
)


def test_a_clean_report_passes():
    audit = read_report(CLEAN, PINS)
    assert audit.status == PASSED
    assert audit.audited == ["django", "pyyaml", "pytest"]
    text = supply_chain.render(audit)
    assert "All 3 packages audited: no known vulnerability." in text
    assert NOT_AUDITED not in text.split("| outcome |")[0]
    assert f"| {NOT_AUDITED} | 0 |" in text


def test_a_vulnerability_fails_and_is_named_with_its_fix():
    audit = read_report(VULNERABLE_REPORT, PINS)
    assert audit.status == VULNERABLE
    assert [vuln.id for vuln in audit.vulnerabilities["django"]] == ["PYSEC-2099-1"]
    text = supply_chain.render(audit)
    assert "| audited, vulnerable | 1 |" in text
    assert (
        "| django | 5.2.19 | runtime | VULNERABLE: PYSEC-2099-1 (CVE-2099-0001, "
        "GHSA-xxxx-yyyy-zzzz), fixed in 5.2.20 |"
    ) in text
    assert "**VULNERABLE**: 1 known vulnerabilities in 1 of 3 packages." in text


def test_an_unreachable_advisory_service_is_not_audited_never_clean():
    audit = read_report(UNREACHABLE, PINS)
    assert audit.status == INCOMPLETE
    assert audit.audited == []
    assert audit.not_audited["pyyaml"].endswith("could not be audited: pyyaml (6.0.3)")
    text = supply_chain.render(audit)
    assert "non audité" in text
    assert f"| {NOT_AUDITED} | 3 |" in text
    assert "| audited, no known vulnerability | 0 |" in text
    assert "3 of 3 packages could not be audited" in text
    assert "All 3 packages audited" not in text


def test_one_package_not_audited_is_enough_to_fail():
    partial = report(clean("django", "5.2.19"), skipped("pyyaml", "6.0.3"))
    audit = read_report(partial, PINS)
    assert audit.status == INCOMPLETE
    assert audit.audited == ["django"]
    # pytest is missing from the report: not audited either.
    assert audit.not_audited["pytest"] == "absent from pip-audit's report"


def test_a_vulnerability_outranks_an_incomplete_audit():
    partial = json.loads(VULNERABLE_REPORT)
    partial["dependencies"][1] = skipped("pyyaml", "6.0.3")
    assert read_report(json.dumps(partial), PINS).status == VULNERABLE


@pytest.mark.parametrize("output", [None, "", "Traceback (most recent call last):", "{}"])
def test_no_readable_report_leaves_everything_not_audited(output):
    failure = "requests.exceptions.ConnectionError: Failed to resolve 'api.osv.dev'"
    audit = read_report(output, PINS, failure)
    assert audit.status == INCOMPLETE
    assert audit.not_audited == dict.fromkeys(PINS, failure)
    assert f"{NOT_AUDITED}: {failure}" in supply_chain.render(audit)


def test_a_list_of_pins_out_of_step_is_incomplete():
    audit = read_report(
        CLEAN, PINS, problems=["`django` is pinned at 5.2.19 but 5.2.1 is installed"]
    )
    assert audit.status == INCOMPLETE
    assert "**Incomplete**" in supply_chain.render(audit)


def test_no_pins_is_no_audit():
    assert read_report(report(), {}).status == INCOMPLETE


def test_the_pins_are_those_of_pyproject_with_their_dependencies(tmp_path):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        '[project]\nname = "x"\ndependencies = ["pytest==9.2.0"]\n'
        '[project.optional-dependencies]\ndev = ["pytest-django==4.14.0", "pytest>=9"]\n'
    )
    pins, problems = supply_chain.pinned_requirements(pyproject)
    assert list(pins) == sorted(pins)
    assert pins["pytest"] == Pin("pytest", "9.2.0", "runtime")
    assert pins["pytest-django"].scope == "dev"
    assert "pluggy" in pins  # a dependency of pytest, as installed
    assert problems == ["`pytest>=9` is not pinned with `==` in pyproject.toml"]
    assert supply_chain.requirements_text(pins).startswith("iniconfig==")
