"""Typed readers for settings taken from the environment.

A wrong value stops start-up with a message naming the variable, rather than
being silently replaced by a default (the healthchecks habit).
"""

import os
import re

TRUE_WORDS = {"1", "true", "yes", "on", "oui"}
FALSE_WORDS = {"0", "false", "no", "off", "non", ""}


class ImproperEnvironment(Exception):
    pass


def env_str(name: str, default: str = "") -> str:
    """A string, or the content of the file named by NAME_FILE (for secrets)."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        try:
            with open(file_path, encoding="utf-8") as handle:
                return handle.read().strip()
        except OSError as error:
            raise ImproperEnvironment(f"{name}_FILE: cannot read {file_path}: {error}") from None
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperEnvironment(
        f"{name}={raw!r} is not a boolean: use one of {sorted(TRUE_WORDS | FALSE_WORDS - {''})}"
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperEnvironment(f"{name}={raw!r} is not a whole number") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


HEADER_NAME = re.compile(r"[A-Za-z0-9-]+")


def env_proxy_header(name: str) -> tuple[str, str] | None:
    """The header a reverse proxy sets on requests that reached it over HTTPS, in the form of
    Django's SECURE_PROXY_SSL_HEADER: `X-Forwarded-Proto` (meaning `X-Forwarded-Proto: https`)
    or `Name: value` (`X-Forwarded-Ssl: on`); None when unset."""
    raw = env_str(name).strip()
    if not raw:
        return None
    header, _, value = raw.partition(":")
    header, value = header.strip(), value.strip() or "https"
    if not HEADER_NAME.fullmatch(header):
        raise ImproperEnvironment(
            f"{name}={raw!r} is not a header name: write `X-Forwarded-Proto` or `Name: value`"
        )
    return "HTTP_" + header.upper().replace("-", "_"), value
