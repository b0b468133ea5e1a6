"""French first, English on request: the language switch of every page (a cookie), the
browser's Accept-Language, the visitors' cached pages, the API's messages and description."""

import re
from datetime import date

import pytest
from django.conf import settings

from territoires.initiatives import services
from territoires.initiatives.models import Verbatim

SWITCH = re.compile(r'<nav class="language-switch".*?</nav>', re.DOTALL)
CURRENT = re.compile(r'<a [^>]*hreflang="(\w+)"[^>]*aria-current="true"')


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.text).group(1)


# --- Which language a page speaks ---------------------------------------------------------


def test_french_by_default(client):
    response = client.get("/")
    assert html_lang(response) == "fr" and response["Content-Language"] == "fr"
    assert "Atlas des territoires" in response.text


@pytest.mark.parametrize("accept", ["en", "en-GB,en;q=0.9", "de-DE,de;q=0.9,en;q=0.5"])
def test_a_browser_asking_for_english_gets_english(client, accept):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert html_lang(response) == "en" and response["Content-Language"] == "en"
    assert "Atlas of territories" in response.text
    assert "Atlas des territoires" not in response.text
    assert "Accept-Language" in response["Vary"] and "Cookie" in response["Vary"]


@pytest.mark.parametrize("accept", ["fr-FR,fr;q=0.9", "fr", "de", "zh-CN,ja;q=0.8", "*", "x;;;"])
def test_french_for_french_and_for_a_language_we_do_not_have(client, accept):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert html_lang(response) == "fr"
    assert "Atlas des territoires" in response.text


def test_dates_and_numbers_follow_the_language(client, bob, town):
    services.save_verbatim(
        Verbatim(
            territory=town,
            text="La cantine a changé notre regard.",
            speaker_role="parent d'élève",
            category="habitant",
            said_on=date(2021, 3, 15),
        ),
        by=bob,
        state="published",
    )
    french = client.get(town.get_absolute_url()).text
    english = client.get(town.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").text
    assert "mars 2021" in french and "March 2021" in english
    # Mouans-Sartoux: 9 701 inhabitants (2017), 12.7 km².
    assert "9,701" in english and "12.7" in english
    assert "9,701" not in french and "12,7" in french


# --- The switch ---------------------------------------------------------------------------


def test_every_page_offers_the_switch_each_language_named_in_itself(client, town):
    for url in ("/", "/recherche/?q=cantine", town.get_absolute_url(), "/comptes/connexion/"):
        switch = SWITCH.search(client.get(url).text).group(0)
        assert 'aria-label="Langue"' in switch
        assert '<a href="/langue/en/?suivant=' in switch and 'lang="en" hreflang="en"' in switch
        assert switch.count('rel="nofollow"') == 2  # a crawler gains nothing there
        assert ">English</a>" in switch and ">Français</a>" in switch
        # The page's own language is marked, and only it.
        assert CURRENT.findall(switch) == ["fr"]
        assert "<form" not in switch and "csrf" not in switch.lower()
    english = SWITCH.search(client.get("/", HTTP_ACCEPT_LANGUAGE="en").text).group(0)
    assert 'aria-label="Language"' in english
    assert CURRENT.findall(english) == ["en"]


def test_the_switch_returns_to_the_page_with_its_query(client):
    switch = SWITCH.search(client.get("/recherche/?q=cantine&theme=a").text).group(0)
    assert "/langue/en/?suivant=%2Frecherche%2F%3Fq%3Dcantine%26theme%3Da" in switch


def test_switching_sets_the_cookie_and_goes_back(client, town):
    page = town.get_absolute_url()
    response = client.get("/langue/en/", {"suivant": page})
    assert response.status_code == 302 and response["Location"] == page
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["max-age"] == 365 * 24 * 3600 and cookie["path"] == "/"
    assert cookie["samesite"] == "Lax" and cookie["httponly"] and not cookie["secure"]
    assert "no-store" in response["Cache-Control"]  # a proxy must not keep the cookie
    # The test client keeps the cookie: the next pages are in English.
    assert html_lang(client.get(page)) == "en"
    assert "Atlas of territories" in client.get("/").text
    back = client.get("/langue/fr/", {"suivant": "/"})
    assert back["Location"] == "/" and back.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"
    assert "Atlas des territoires" in client.get("/").text


def test_the_cookie_is_secure_with_the_session_cookie(client, settings):
    from territoires import settings as project

    assert project.LANGUAGE_COOKIE_SECURE is project.SESSION_COOKIE_SECURE
    settings.LANGUAGE_COOKIE_SECURE = True
    response = client.get("/langue/en/", {"suivant": "/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME]["secure"]


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "https://evil.example/territoires/",
        "//evil.example/",
        "/\\evil.example",
        "http:evil.example",
        "javascript:alert(1)",
        "",
    ],
)
def test_the_switch_never_leaves_the_site(client, target):
    response = client.get("/langue/en/", {"suivant": target})
    assert response.status_code == 302 and response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_the_switch_follows_an_address_of_this_very_site(client):
    response = client.get("/langue/en/", {"suivant": "http://testserver/recherche/?q=x"})
    assert response["Location"] == "http://testserver/recherche/?q=x"


@pytest.mark.parametrize("code", ["de", "EN", "en-us", "xx"])
def test_an_unknown_language_is_a_404_in_french(client, code):
    response = client.get(f"/langue/{code}/", {"suivant": "/"})
    assert response.status_code == 404
    assert "Langue inconnue. Langues proposées : fr, en." in response.text
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_switch_only_answers_get(client):
    response = client.post("/langue/en/", {"suivant": "/"})
    assert response.status_code == 405
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_cookie_wins_over_accept_language(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert html_lang(client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr")) == "en"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert html_lang(client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en")) == "fr"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "klingon"  # not ours: the browser's choice
    assert html_lang(client.get("/", HTTP_ACCEPT_LANGUAGE="en")) == "en"


# --- Visitors' cached pages ---------------------------------------------------------------


def test_a_visitors_cached_page_is_kept_per_language(client, town):
    page = town.get_absolute_url()
    french = client.get(page)  # cached now, in French
    assert html_lang(french) == "fr" and "Chiffres clés" in french.text
    assert client.get(page).content == french.content  # served from the cache

    english = client.get(page, HTTP_ACCEPT_LANGUAGE="en")
    assert html_lang(english) == "en" and "Key figures" in english.text
    assert "Chiffres clés" not in english.text
    assert CURRENT.findall(english.text) == ["en"]
    # The visitor who chose English with the switch, whatever the browser says.
    client.get("/langue/en/", {"suivant": page})
    chosen = client.get(page, HTTP_ACCEPT_LANGUAGE="fr")
    assert chosen.content == english.content

    # Both stay cached side by side.
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    assert client.get(page).content == french.content
    assert client.get(page, HTTP_ACCEPT_LANGUAGE="en").content == english.content


def test_similar_territories_follow_the_language_of_each_visitor(client, town):
    """The similar territories are kept five minutes apart from the page: with their
    reasons, in words, which must be those of each visitor's language."""
    page = town.get_absolute_url()
    french = client.get(page).text  # computes and keeps the similar territories
    assert "même région" in french.lower()
    english = client.get(page, HTTP_ACCEPT_LANGUAGE="en").text
    assert "same region" in english.lower() and "même région" not in english.lower()


# --- The API ------------------------------------------------------------------------------


def test_the_apis_messages_are_french_by_default(client):
    message = client.get("/api/v1/territories/", {"limit": 101}).json()["message"]
    assert message == "Paramètres invalides : limit : doit être inférieur ou égal à 100"
    both = client.get("/api/v1/territories/", {"limit": "abc", "offset": -1}).json()["message"]
    assert both == (
        "Paramètres invalides : limit : un nombre entier est attendu ; "
        "offset : doit être supérieur ou égal à 0"
    )


def test_the_apis_messages_follow_accept_language(client):
    response = client.get("/api/v1/territories/", {"limit": 101}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and response["Content-Language"] == "en"
    assert (
        response.json()["message"] == "Invalid parameters: limit: must be less than or equal to 100"
    )
    both = client.get(
        "/api/v1/territories/", {"limit": "abc", "offset": -1}, HTTP_ACCEPT_LANGUAGE="en"
    ).json()["message"]
    assert both == (
        "Invalid parameters: limit: an integer is expected; "
        "offset: must be greater than or equal to 0"
    )
    missing = client.get("/api/v1/territories/region/01/outline.geojson", HTTP_ACCEPT_LANGUAGE="en")
    assert missing.status_code == 404
    assert missing.json() == {"message": "No outline known for this territory."}
    team = client.get("/api/v1/territories/commune/06084/team", HTTP_ACCEPT_LANGUAGE="en")
    assert team.status_code == 401 and team.json() == {"message": "Authentication required."}


def test_the_apis_messages_follow_the_sites_switch(client):
    client.get("/langue/en/", {"suivant": "/"})
    message = client.get("/api/v1/territories/", {"kind": "planete"}).json()["message"]
    assert message.startswith("Invalid parameters: kind: "), message


def openapi(client, **headers):
    response = client.get("/api/v1/openapi.json", **headers)
    assert response.status_code == 200
    return response.json()


def test_the_api_description_is_french_by_default(client):
    schema = openapi(client)
    assert schema["info"]["description"].startswith("Données publiques de Territoires")
    listing = schema["paths"]["/api/v1/territories/"]["get"]
    assert listing["summary"] == "Liste des territoires"
    assert listing["tags"] == ["territoires"]


def test_the_api_description_is_in_each_requests_language(client):
    # English, French, English again: the description is not kept in the first language asked.
    for accept in ("en", "fr", "en"):
        schema = openapi(client, HTTP_ACCEPT_LANGUAGE=accept)
        listing = schema["paths"]["/api/v1/territories/"]["get"]
        detail = schema["paths"]["/api/v1/territories/{kind}/{code}"]["get"]
        parameters = {parameter["name"]: parameter for parameter in detail["parameters"]}
        error = schema["components"]["schemas"]["ErrorOut"]
        if accept == "fr":
            assert listing["summary"] == "Liste des territoires"
            assert parameters["code"]["description"].startswith("Code officiel")
            assert detail["responses"]["404"]["description"].startswith("Introuvable")
            continue
        assert schema["info"]["description"].startswith("Public data of Territoires")
        assert listing["summary"] == "List of territories"
        assert listing["tags"] == ["territories"]
        assert detail["summary"] == "A territory"
        assert parameters["code"]["description"].startswith("Official code")
        assert parameters["kind"]["description"].startswith("Kind of territory")
        assert detail["responses"]["404"]["description"].startswith("Not found")
        assert detail["responses"]["400"]["description"].startswith("Invalid parameters")
        assert error["description"].startswith("An error answer")
        assert error["properties"]["message"]["description"].startswith("Message in French")
        initiatives = schema["paths"]["/api/v1/initiatives"]["get"]
        assert initiatives["summary"] == "Published initiatives, filtered as the search is"
        described = {p["name"]: p.get("description", "") for p in initiatives["parameters"]}
        assert described["region"] == "INSEE code of the region"
        # Nothing left in French in what the operations say.
        for path in schema["paths"].values():
            for operation in path.values():
                assert not re.search(r"[éèàùç]", operation["summary"]), operation["summary"]


def test_the_api_documentation_page_follows_the_language(client):
    assert html_lang(client.get("/api/v1/docs")) == "fr"
    english = client.get("/api/v1/docs", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200 and html_lang(english) == "en"
