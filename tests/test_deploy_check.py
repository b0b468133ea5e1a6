"""`manage.py check --deploy` passes with the production environment of docs/deployment.md."""

import re
import secrets
import subprocess
import sys
from pathlib import Path

from territoires.env import ImproperEnvironment, env_proxy_header

ROOT = Path(__file__).resolve().parent.parent


def documented_production_environment() -> dict[str, str]:
    """The variables of the block under "The production environment" in docs/deployment.md."""
    text = (ROOT / "docs" / "deployment.md").read_text()
    section = text.split("## The production environment", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    pairs = [line.split("=", 1) for line in block.splitlines() if line and line[0] != "#"]
    return dict(pairs)


def test_the_documented_production_environment_passes_the_deploy_check(tmp_path):
    environment = documented_production_environment()
    assert environment["TERRITOIRES_HSTS_SECONDS"] == "31536000"
    # The same environment, but for what belongs to a machine: its data folder and secret.
    secret = tmp_path / "secret_key"
    secret.write_text(secrets.token_urlsafe(50))
    environment["TERRITOIRES_SECRET_KEY_FILE"] = str(secret)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={
            **environment,
            "TERRITOIRES_DATA_DIR": str(tmp_path / "data"),
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(ROOT),
        },
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_production_settings(tmp_path):
    environment = documented_production_environment()
    environment.pop("TERRITOIRES_SECRET_KEY_FILE")
    code = (
        "from django.conf import settings as s; "
        "print(s.SECURE_PROXY_SSL_HEADER, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.CONTENT_SECURITY_POLICY['DIRECTIVES'].get('upgrade-insecure-requests'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            **environment,
            "DJANGO_SETTINGS_MODULE": "territoires.settings",
            "TERRITOIRES_DATA_DIR": str(tmp_path),
            "PYTHONPATH": str(ROOT),
        },
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "True",
        "31536000",
        "True",
    ]


def test_without_the_https_settings_the_check_warns(tmp_path):
    """The check above would catch a missing setting: the embedded default fails it."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={"TERRITOIRES_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr


def test_proxy_header(monkeypatch):
    name = "TERRITOIRES_PROXY_SSL_HEADER"
    monkeypatch.delenv(name, raising=False)
    assert env_proxy_header(name) is None
    monkeypatch.setenv(name, "X-Forwarded-Proto")
    assert env_proxy_header(name) == ("HTTP_X_FORWARDED_PROTO", "https")
    monkeypatch.setenv(name, "X-Forwarded-Ssl: on")
    assert env_proxy_header(name) == ("HTTP_X_FORWARDED_SSL", "on")
    monkeypatch.setenv(name, "X-Forwarded-Proto https")
    try:
        env_proxy_header(name)
    except ImproperEnvironment as error:
        assert name in str(error)
    else:
        raise AssertionError("a header name with a space was accepted")


def test_a_negative_hsts_duration_stops_start_up(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; settings.DEBUG"],
        env={
            "DJANGO_SETTINGS_MODULE": "territoires.settings",
            "TERRITOIRES_HSTS_SECONDS": "-1",
            "TERRITOIRES_DATA_DIR": str(tmp_path),
            "PYTHONPATH": str(ROOT),
        },
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode != 0
    assert "TERRITOIRES_HSTS_SECONDS must be 0 (no HSTS) or more" in result.stderr
