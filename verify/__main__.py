"""`python -m verify [name …]`: the long, bounded checks of `make verify`, printed as Markdown.

Each check is a module of this package with a `main(argv) -> int` (0: passed), run in its
own process so that one's failure or memory never spoils another's. Their last figures and
date go to docs/reliability.md. Nothing here reaches beyond loopback.
"""

import argparse
import pkgutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def checks() -> list[str]:
    return sorted(
        module.name
        for module in pkgutil.iter_modules([str(Path(__file__).parent)])
        if not module.name.startswith("_")
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m verify", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"checks to run (all by default): {checks()}")
    options = parser.parse_args(argv)
    unknown = sorted(set(options.names) - set(checks()))
    if unknown:
        parser.error(f"unknown checks: {', '.join(unknown)}")
    failed = []
    for name in options.names or checks():
        started = time.perf_counter()
        print(f"\n## {name}\n", flush=True)
        status = subprocess.run([sys.executable, "-m", f"verify.{name}"], cwd=ROOT).returncode
        print(
            f"\n> {name}: {'passed' if status == 0 else f'FAILED ({status})'} "
            f"in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        if status:
            failed.append(name)
    print(f"\n{len(failed)} check(s) failed: {', '.join(failed)}" if failed else "\nAll passed.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
