"""Security headers on every page, and the one-line log of a refused request."""

import logging

import pytest

from territoires.core.security import PERMISSIONS_POLICY

PAGES = [
    "/",
    "/recherche/",
    "/territoires/commune/06084-mouans-sartoux/",
    "/api/v1/docs",
    "/api/v1/territories/departement/06",
    "/donnees/initiatives.csv",
]


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parsed = {}
    for directive in policy.split(";"):
        name, *sources = directive.split()
        parsed[name] = sources
    return parsed


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_a_strict_content_security_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    for sources in policy.values():
        assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
    assert "upgrade-insecure-requests" not in policy  # only with the HTTPS redirect


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_the_other_security_headers(client, path):
    response = client.get(path)
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions
    # The video players receive these through their frame's `allow` attribute.
    for feature in ("autoplay", "fullscreen", "picture-in-picture"):
        assert feature not in PERMISSIONS_POLICY
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in response  # off unless configured


def test_the_team_pages_have_them_too(client, alice, town):
    client.force_login(alice)
    response = client.get(town.get_absolute_url() + "equipe/")
    assert response.status_code == 200
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]


def test_hsts_when_the_settings_ask_for_it(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "Strict-Transport-Security" not in client.get("/")  # never over plain HTTP


def test_https_redirect_behind_a_proxy(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    response = client.get("/recherche/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/recherche/"
    # The proxy says the request reached it over HTTPS: no redirect loop.
    assert client.get("/recherche/", headers={"X-Forwarded-Proto": "https"}).status_code == 200


def test_a_refusal_is_one_line_without_personal_data(client, charlie, town, caplog):
    client.force_login(charlie)
    path = town.get_absolute_url() + "equipe/"
    with caplog.at_level(logging.WARNING):
        response = client.get(path + "?q=secret")
    assert response.status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelname == "WARNING"
    assert record.getMessage() == f"Forbidden: GET {path} (user {charlie.pk})"
    assert record.exc_info is None
    line = logging.Formatter().format(record)
    assert "\n" not in line and "Traceback" not in line
    for personal in (charlie.email, charlie.display_name, "secret"):
        assert personal not in caplog.text


def test_a_visitor_is_sent_to_the_login_page_without_a_log(client, town, caplog):
    with caplog.at_level(logging.WARNING):
        response = client.get(town.get_absolute_url() + "equipe/")
    assert response.status_code == 302
    assert not [r for r in caplog.records if r.name == "django.request"]


def test_other_errors_are_logged_as_before(client, caplog):
    with caplog.at_level(logging.WARNING):
        client.get("/pas-de-page-ici/")
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.getMessage() == "Not Found: /pas-de-page-ici/"
