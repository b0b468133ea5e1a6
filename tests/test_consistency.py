"""Checks over the repository: migrations, documented settings, templates in use."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from territoires.env import ImproperEnvironment, env_bool, env_int

ROOT = Path(__file__).resolve().parent.parent


def test_migrations_are_up_to_date():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_every_environment_variable_is_documented():
    settings_source = (ROOT / "territoires" / "settings.py").read_text()
    used = set(re.findall(r'env_\w+\("([A-Z_]+)"', settings_source))
    documented = (ROOT / "docs" / "environment.md").read_text()
    example = (ROOT / ".env.example").read_text()
    assert used, "no variable found: the pattern is out of date"
    for name in sorted(used):
        assert f"`{name}`" in documented, f"{name} is missing from docs/environment.md"
        assert name in example, f"{name} is missing from .env.example"


def test_bad_environment_values_stop_start_up(monkeypatch):
    monkeypatch.setenv("TERRITOIRES_DEBUG", "maybe")
    with pytest.raises(ImproperEnvironment, match="TERRITOIRES_DEBUG"):
        env_bool("TERRITOIRES_DEBUG", False)
    monkeypatch.setenv("TERRITOIRES_EMAIL_PORT", "vingt-cinq")
    with pytest.raises(ImproperEnvironment, match="TERRITOIRES_EMAIL_PORT"):
        env_int("TERRITOIRES_EMAIL_PORT", 25)


def test_settings_refuse_a_bad_value_in_a_fresh_process(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", "import django; from django.conf import settings; settings.DEBUG"],
        env={
            "DJANGO_SETTINGS_MODULE": "territoires.settings",
            "TERRITOIRES_DEBUG": "maybe",
            "TERRITOIRES_DATA_DIR": str(tmp_path),
            "PYTHONPATH": str(ROOT),
        },
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode != 0
    assert "TERRITOIRES_DEBUG='maybe' is not a boolean" in result.stderr


def test_every_template_is_used():
    templates = [
        path for path in ROOT.glob("territoires/**/templates/**/*.*") if "admin" not in path.parts
    ]
    sources = "\n".join(
        path.read_text()
        for path in ROOT.glob("territoires/**/*")
        if path.suffix in (".py", ".html", ".txt")
    )
    for template in templates:
        name = str(template).split("/templates/", 1)[1]
        # Error pages are found by Django by their names.
        if name in ("400.html", "403.html", "403_csrf.html", "404.html", "500.html", "base.html"):
            continue
        assert name in sources, f"{name} is never referenced"


def test_vendored_files_are_listed_with_version_and_licence():
    vendor = ROOT / "territoires" / "static" / "vendor"
    readme = (vendor / "README.md").read_text()
    for path in vendor.iterdir():
        if path.name != "README.md":
            assert path.name in readme or path.stem.split(".LICENSE")[0] in readme, path.name


# --- Layers (docs/architecture.md) ---------------------------------------------------------

GROUND, FOUNDATION, TOP = {"core"}, {"territories", "accounts"}, {"www"}
# What each layer may import, besides itself; domain apps are every other app.
MAY_IMPORT = {
    "core": set(),
    "territories": {"core"},
    "accounts": {"core", "territories"},
}
DOMAIN_MAY_IMPORT = GROUND | FOUNDATION


def _apps() -> set[str]:
    package = ROOT / "territoires"
    return {path.name for path in package.iterdir() if (path / "apps.py").exists()}


def _domain_dependencies() -> set[tuple[str, str]]:
    """The dependencies between domain apps that docs/architecture.md names:
    lines such as "- `programmes` → `actors`: …" in its section on them."""
    text = (ROOT / "docs" / "architecture.md").read_text()
    section = text.split("## Dependencies between domain apps", 1)[-1].split("\n## ", 1)[0]
    return set(re.findall(r"`(\w+)` → `(\w+)`", section))


def _imported_apps(path: Path, apps: set[str]):
    """(line, app) for every import of `territoires.<app>` in a module."""
    import ast

    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        else:
            continue
        for module in modules:
            parts = module.split(".")
            if len(parts) > 1 and parts[0] == "territoires" and parts[1] in apps:
                yield node.lineno, parts[1]


def _allowed(source: str, target: str, declared: set[tuple[str, str]]) -> bool:
    if source == target or source in TOP:
        return True
    if source in MAY_IMPORT:
        return target in MAY_IMPORT[source]
    if target in DOMAIN_MAY_IMPORT:
        return True
    return target not in TOP and (source, target) in declared


def test_every_import_keeps_to_the_layers():
    """core → territories, accounts → domain apps → www/API: a lower layer never imports
    an upper one (it offers a registry instead), and a domain app imports another only
    through a dependency docs/architecture.md names."""
    apps, declared = _apps(), _domain_dependencies()
    assert {"core", "territories", "accounts", "initiatives", "www"} <= apps
    wrong = []
    for path in sorted((ROOT / "territoires").rglob("*.py")):
        parts = path.relative_to(ROOT / "territoires").parts
        if len(parts) < 2 or parts[0] not in apps or "migrations" in parts:
            continue
        for line, target in _imported_apps(path, apps):
            if not _allowed(parts[0], target, declared):
                wrong.append(f"{path.relative_to(ROOT)}:{line} {parts[0]} imports {target}")
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)
