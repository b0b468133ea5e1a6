"""`python -m bench [--quick]`: every benchmark of the project, printed as Markdown.

Runs bench/territories.py (registry and atlas), then bench/rotation.py when it exists
(the workshop rotation optimizer, which prints its own Markdown table).
"""

import argparse
import subprocess
import sys
from pathlib import Path

from bench import territories

ROOT = Path(__file__).resolve().parent.parent
ROTATION = ROOT / "bench" / "rotation.py"


def run_rotation(quick: bool) -> int:
    """Relay the rotation bench's own output; its exit status is returned."""
    command = [sys.executable, str(ROTATION), *(["--quick"] if quick else [])]
    sys.stdout.flush()
    completed = subprocess.run(command, cwd=ROOT, check=False)
    if completed.returncode:
        print(f"\n> bench/rotation.py failed (exit status {completed.returncode}).\n")
    return completed.returncode


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="fewer repeats; reuses var/bench/ when present"
    )
    options = parser.parse_args(argv)
    status = territories.main(["--quick"] if options.quick else [])
    if ROTATION.exists():
        print()
        status = run_rotation(options.quick) or status
    return status


if __name__ == "__main__":
    sys.exit(main())
