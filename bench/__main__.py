"""`python -m bench [--quick]`: every benchmark of the project, printed as Markdown.

Runs bench/territories.py (registry, atlas, pages), bench/lighthouse.py (Lighthouse, mobile,
on the main pages: installs the pinned npm package into var/bench/lighthouse/) and
bench/search.py (the search of the commons), the first and the last on SQLite and, when one
answers, on PostgreSQL, then bench/rotation.py (the workshop rotation optimizer) and
bench/actors.py (the actors' network metrics and CSV import); each prints its own Markdown
table.
"""

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(label: str, command: list[str]) -> int:
    """Relay a bench's own output; its exit status is returned."""
    sys.stdout.flush()
    completed = subprocess.run(command, cwd=ROOT, check=False)
    if completed.returncode:
        print(f"\n> {label} failed (exit status {completed.returncode}).\n")
    return completed.returncode


def postgres_answers() -> bool:
    return (
        subprocess.run([str(ROOT / "scripts" / "postgres-available")], check=False).returncode == 0
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="fewer repeats; reuses var/bench/ when present"
    )
    options = parser.parse_args(argv)
    quick = ["--quick"] if options.quick else []
    # With --postgres the benches run on SQLite, then on PostgreSQL.
    engines = ["--postgres"] if postgres_answers() else []
    command = [sys.executable, "-m", "bench.territories", *engines, *quick]
    status = run("bench/territories.py", command)
    print()
    # Lighthouse on the main pages (mobile), on the registry bench/territories.py imported.
    command = [sys.executable, "-m", "bench.lighthouse", *(["--runs", "1"] if quick else [])]
    status = run("bench/lighthouse.py", command) or status
    print()
    command = [sys.executable, "-m", "bench.search", *engines, *quick]
    status = run("bench/search.py", command) or status
    print()
    status = run("bench/rotation.py", [sys.executable, "bench/rotation.py", *quick]) or status
    print()
    command = [sys.executable, "-m", "bench.actors", *quick]
    status = run("bench/actors.py", command) or status
    return status


if __name__ == "__main__":
    sys.exit(main())
