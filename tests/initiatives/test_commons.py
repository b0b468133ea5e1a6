import io
import json
import re
from datetime import date, timedelta

import pytest

from territoires.accounts.enums import Role
from territoires.core import search
from territoires.initiatives.models import Initiative, Verbatim
from territoires.initiatives.services import save_verbatim
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.initiatives.factories import InitiativeFactory, jpeg_with_gps
from tests.territories.factories import commune


def test_markdown_is_sanitised_on_render(client):
    initiative = InitiativeFactory(
        published=True,
        body="Texte <script>alert('x')</script> [lien](javascript:alert(1)) <img src=x onerror=alert(1)>",
    )
    text = client.get(initiative.get_absolute_url()).text
    assert "<script>alert" not in text and "javascript:alert" not in text and "onerror" not in text


def test_drafts_never_leak(client):
    draft = InitiativeFactory(title="Brouillon secret photovoltaïque")
    InitiativeFactory(title="Centrale photovoltaïque citoyenne", published=True)
    assert client.get(draft.get_absolute_url()).status_code == 404
    found = search.search(search.SearchQuery(text="photovoltaïque"))
    titles = [hit.title for hit in found.hits]
    assert "Centrale photovoltaïque citoyenne" in titles and draft.title not in titles
    page = client.get("/recherche/", {"q": "photovoltaique"}).text
    assert "Centrale" in page and "Brouillon secret" not in page
    assert "SearchQuery(" not in page  # the header's search box keeps its own query
    api = client.get("/api/v1/initiatives", {"q": "photovoltaique"}).json()
    assert [item["title"] for item in api["items"]] == ["Centrale photovoltaïque citoyenne"]
    assert client.get(f"/api/v1/initiatives/{draft.slug}").status_code == 404
    exported = json.loads(client.get("/donnees/initiatives.json").content)
    assert draft.title not in [item["titre"] for item in exported["initiatives"]]
    csv_text = b"".join(client.get("/donnees/initiatives.csv").streaming_content).decode()
    assert "Centrale photovoltaïque citoyenne" in csv_text and "Brouillon secret" not in csv_text
    portrait = client.get(commune("06084").get_absolute_url()).text
    assert "Centrale photovoltaïque citoyenne" in portrait and "Brouillon secret" not in portrait


def test_team_sees_its_drafts(client, bob):
    draft = InitiativeFactory(title="Brouillon interne")
    client.force_login(bob)
    assert client.get(draft.get_absolute_url()).status_code == 200
    assert "Brouillon interne" in client.get(commune("06084").get_absolute_url()).text


def test_exports_state_their_licence(client):
    InitiativeFactory(published=True)
    response = client.get("/donnees/initiatives.json")
    assert "Licence Ouverte" in response.json()["licence"]
    assert 'rel="license"' in response["Link"]
    geo = client.get("/donnees/territoires.geojson").json()
    feature = geo["features"][0]
    assert feature["properties"]["initiatives"] >= 1 and feature["geometry"]["type"] in (
        "Polygon",
        "MultiPolygon",
    )


def test_contributor_adds_a_verbatim_in_place(client, bob):
    client.force_login(bob)
    town = commune("06084")
    url = f"/territoires/commune/06084-{town.slug}/verbatims/"
    form = client.get(url, headers={"HX-Request": "true"})
    assert form.status_code == 200 and "<textarea" in form.text
    bad = client.post(
        url, {"text": "", "speaker_role": "", "category": "elu"}, headers={"HX-Request": "true"}
    )
    assert bad.status_code == 400 and "Ce champ est obligatoire" in bad.text
    saved = client.post(
        url,
        {
            "text": "On a appris en faisant.",
            "speaker_role": "Agente de la commune",
            "category": "agent",
            "speaker_name": "Claire Martin",
            "consent_to_name": "",
            "state": "published",
        },
        headers={"HX-Request": "true"},
    )
    assert saved.status_code == 200 and "On a appris en faisant." in saved.text
    verbatim = Verbatim.objects.get(text="On a appris en faisant.")
    # No consent: the name is not kept at all, only the role is shown.
    assert verbatim.speaker_name == "" and verbatim.speaker == "Agente de la commune"


@pytest.mark.parametrize("who", ["anonymous", "reader", "outsider"])
def test_only_the_team_edits_the_portrait(client, who):
    if who == "reader":
        client.force_login(MembershipFactory(role=Role.READER).user)
    elif who == "outsider":
        client.force_login(UserFactory())
    town = commune("06084")
    for section in ("verbatims", "jalons", "chiffres", "videos", "photo"):
        response = client.post(f"/territoires/commune/06084-{town.slug}/{section}/", {})
        assert response.status_code in (302, 403)
        if who != "anonymous":
            assert response.status_code == 403
    assert client.post(
        f"/territoires/commune/06084-{town.slug}/initiatives/nouvelle/", {"title": "x"}
    ).status_code in (302, 403)
    assert not Initiative.objects.filter(title="x").exists()


def test_key_figure_needs_its_source(client, bob):
    client.force_login(bob)
    town = commune("06084")
    url = f"/territoires/commune/06084-{town.slug}/chiffres/"
    response = client.post(
        url, {"label": "Repas bio", "value": "100", "unit": "%", "year": "2020", "source": ""}
    )
    assert response.status_code == 400
    ok = client.post(
        url,
        {
            "label": "Repas bio",
            "value": "100",
            "unit": "%",
            "year": "2020",
            "source": "Commune, rapport annuel",
        },
    )
    assert ok.status_code == 302
    assert "Repas bio" in client.get(town.get_absolute_url()).text


def test_video_is_privacy_first_and_bad_links_are_refused(client, bob):
    client.force_login(bob)
    town = commune("06084")
    url = f"/territoires/commune/06084-{town.slug}/videos/"
    bad = client.post(url, {"title": "Film", "url": "https://evil.example/watch?v=1"})
    assert bad.status_code == 400 and "YouTube" in bad.text
    client.post(url, {"title": "Film", "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ"})
    page = client.get(town.get_absolute_url()).text
    assert "data-video-embed" in page and "youtube-nocookie.com/embed/dQw4w9WgXcQ" in page
    assert "<iframe" not in page


# A new initiative's form: no contact nor resource, read at version 0.
EMPTY_FORMSETS = {"edit_version": "0"} | {
    f"{prefix}-{field}": "0"
    for prefix in ("contacts", "resources")
    for field in ("TOTAL_FORMS", "INITIAL_FORMS")
}


def test_initiative_creation_by_contributor(client, bob, django_capture_on_commit_callbacks):
    client.force_login(bob)
    town = commune("06084")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/territoires/commune/06084-{town.slug}/initiatives/nouvelle/",
            {
                "title": "Régie agricole",
                "summary": "Des légumes pour les cantines.",
                "body": "",
                "status": "ongoing",
                "start_year": "2010",
                "levers": ["produire_consommer"],
                "fundamentals": ["systemique"],
                "state": "published",
                "result-text": "Repas bio",
                "result-value": "100",
                "result-unit": "%",
                "result-year": "2012",
                "result-source": "Commune",
                **EMPTY_FORMSETS,
            },
        )
    assert response.status_code == 302
    initiative = Initiative.objects.get(title="Régie agricole")
    assert initiative.results.get().value == 100
    assert search.search(search.SearchQuery(text="regies agricoles")).total >= 1
    bad = client.post(
        f"/territoires/commune/06084-{town.slug}/initiatives/nouvelle/",
        {
            "title": "X",
            "summary": "Y",
            "status": "ongoing",
            "start_year": "2020",
            "end_year": "2010",
            "state": "draft",
            **EMPTY_FORMSETS,
        },
    )
    assert bad.status_code == 400 and "précéder" in bad.text
    # The result is optional: not a field the browser requires, no error when left empty.
    assert 'name="result-text"' in bad.text
    assert re.search(r'<input[^>]*name="result-text"[^>]*required', bad.text) is None
    assert bad.context["result_form"].errors == {}
    without_result = client.post(
        f"/territoires/commune/06084-{town.slug}/initiatives/nouvelle/",
        {"title": "Sans résultat", "summary": "Y", "status": "ongoing", "state": "draft"}
        | EMPTY_FORMSETS,
    )
    assert without_result.status_code == 302
    assert not Initiative.objects.get(title="Sans résultat").results.exists()
    figure_alone = client.post(
        f"/territoires/commune/06084-{town.slug}/initiatives/nouvelle/",
        {"title": "Chiffre seul", "summary": "Y", "status": "ongoing", "state": "draft"}
        | {"result-value": "12"}
        | EMPTY_FORMSETS,
    )
    assert figure_alone.status_code == 400
    assert "Décrivez le résultat" in figure_alone.text
    assert not Initiative.objects.filter(title="Chiffre seul").exists()


def test_similar_territories_explain_themselves(client):
    town = commune("06084")
    response = client.get(f"/territoires/commune/06084-{town.slug}/similaires/")
    assert response.status_code == 200
    text = response.text.lower()
    assert "même type" in text and "population comparable" in text


def test_verbatims_api_lists_only_consented_and_published(django_capture_on_commit_callbacks):
    territory = commune("06084")
    save_verbatim(
        Verbatim(
            text="Nommée",
            speaker_name="Ana",
            consent_to_name=True,
            speaker_role="Élue",
            category="elu",
            territory=territory,
            state="published",
        )
    )
    save_verbatim(
        Verbatim(
            text="Anonyme",
            speaker_role="Habitant",
            category="habitant",
            territory=territory,
            state="published",
        )
    )
    from django.test import Client

    data = Client().get("/api/v1/verbatims").json()
    assert [item["text"] for item in data] == ["Nommée"]


def test_hero_photo_upload_is_resized_and_stripped(client, bob, django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    client.force_login(bob)
    town = commune("06084")
    url = f"/territoires/commune/06084-{town.slug}/photo/"
    missing_credit = client.post(
        url, {"image": SimpleUploadedFile("p.jpg", jpeg_with_gps()), "alt": "Champs"}
    )
    assert missing_credit.status_code == 400
    fake = client.post(
        url, {"image": SimpleUploadedFile("p.jpg", b"not an image"), "alt": "x", "credit": "y"}
    )
    assert fake.status_code == 400 and "JPEG, PNG ou WebP" in fake.text
    with django_capture_on_commit_callbacks(execute=True):  # the variants' task
        response = client.post(
            url,
            {
                "image": SimpleUploadedFile("p.jpg", jpeg_with_gps()),
                "alt": "Les champs de la régie",
                "credit": "Commune",
            },
        )
    assert response.status_code == 302
    town.refresh_from_db()
    photo = town.portrait.hero_photo
    assert {variant["format"] for variant in photo.variants} == {"webp", "jpeg"}
    for variant in photo.variants:
        with default_storage.open(variant["name"]) as handle, Image.open(handle) as stored:
            assert not stored.getexif(), "metadata must be stripped"
    assert "Les champs de la régie" in client.get(town.get_absolute_url()).text
    # Bug: with debug off nothing served /media/, and every photo showed broken.
    served = client.get(default_storage.url(photo.variants[0]["name"]))
    # Read to the end, the test client closes the file (and keeps the database connection).
    assert b"".join(served.streaming_content).startswith(b"RIFF")  # WebP
    assert served.status_code == 200 and served["Content-Type"].startswith("image/")
    assert client.get("/media/../secret_key").status_code == 400  # outside the folder


def a_real_pdf() -> bytes:
    from pypdf import PdfWriter

    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(595, 842)
    writer.write(buffer)
    return buffer.getvalue()


def test_contacts_and_pdf_resources_with_the_initiative(client, bob):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.actors.factories import OrganisationFactory

    client.force_login(bob)
    initiative = InitiativeFactory(published=True)
    regie = OrganisationFactory(name="Régie agricole municipale")
    antibes = OrganisationFactory(name="Énergie d'Antibes", territories=[commune("06004")])
    url = f"/initiatives/{initiative.slug}/modifier/"
    base = {
        "edit_version": initiative.edit_version,
        "title": initiative.title,
        "summary": initiative.summary,
        "body": "",
        "status": "ongoing",
        "state": "published",
        "contacts-TOTAL_FORMS": "1",
        "contacts-INITIAL_FORMS": "0",
        "contacts-0-organisation": str(regie.pk),
        "contacts-0-role": "Production",
        "resources-TOTAL_FORMS": "1",
        "resources-INITIAL_FORMS": "0",
        "resources-0-title": "Bilan",
    }
    png = SimpleUploadedFile("bilan.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    refused = client.post(url, {**base, "resources-0-document": png})
    assert refused.status_code == 400 and "PDF" in refused.text
    assert not initiative.contacts.exists()
    pdf = SimpleUploadedFile("bilan.pdf", a_real_pdf())
    saved = client.post(url, {**base, "resources-0-document": pdf})
    assert saved.status_code == 302
    assert initiative.contacts.get().organisation == regie
    # The choice is among the territory's organisations: another territory's is refused.
    foreign = client.post(
        url,
        {
            **base,
            "edit_version": initiative.__class__.objects.get(pk=initiative.pk).edit_version,
            "contacts-0-organisation": str(antibes.pk),
            "resources-TOTAL_FORMS": "0",
        },
    )
    assert foreign.status_code == 400 and "Énergie d&#x27;Antibes" not in foreign.text
    assert initiative.contacts.get().organisation == regie
    assert initiative.resources.get().document.name.endswith(".pdf")


def test_a_replaced_or_deleted_document_is_removed_once_committed(
    bob, django_capture_on_commit_callbacks
):
    """Bug: deleted PDFs and replaced ones stayed served from /media/."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from territoires.initiatives.models import InitiativeResource

    initiative = InitiativeFactory(published=True)
    resource = InitiativeResource(initiative=initiative, title="Bilan")
    resource.document.save("bilan.pdf", ContentFile(a_real_pdf()))
    first = resource.document.name
    with django_capture_on_commit_callbacks(execute=True):
        resource.document.save("bilan.pdf", ContentFile(a_real_pdf()))
    second = resource.document.name
    assert not default_storage.exists(first) and default_storage.exists(second)
    with django_capture_on_commit_callbacks(execute=True):
        resource.delete()
    assert not default_storage.exists(second)


def test_published_words_never_reveal_the_draft_initiative_they_belong_to(client, bob):
    """Bug: a published verbatim linked to a draft initiative showed the draft's title on
    the portrait and its slug in the API."""
    territory = commune("06084")
    draft = InitiativeFactory(title="Projet encore confidentiel", slug="projet-confidentiel")
    save_verbatim(
        Verbatim(
            text="Nous y croyons.",
            speaker_name="Ana",
            consent_to_name=True,
            speaker_role="Élue",
            category="elu",
            territory=territory,
            initiative=draft,
            state="published",
        )
    )
    portrait = client.get(territory.get_absolute_url()).text
    assert "Nous y croyons." in portrait and "Projet encore confidentiel" not in portrait
    (item,) = client.get("/api/v1/verbatims").json()
    assert item["initiative"] is None
    client.force_login(bob)  # the team still sees the link
    assert "Projet encore confidentiel" in client.get(territory.get_absolute_url()).text


def test_help_texts_describe_their_field(client, bob):
    """Bug: fields pointed `aria-describedby` at an id no help text had."""
    client.force_login(bob)
    page = client.get(f"{commune('06084').get_absolute_url()}initiatives/nouvelle/").text
    described = set(re.findall(r'aria-describedby="([^"]+)"', page))
    assert described  # the body and the tags have help texts
    for ids in described:
        for helper_id in ids.split():
            assert f'id="{helper_id}"' in page, helper_id


def test_dates_out_of_time_are_refused(client, bob):
    """A milestone in the year 99999 or words said tomorrow: a French message, nothing saved."""
    client.force_login(bob)
    town = commune("06084")
    base = f"/territoires/commune/06084-{town.slug}"
    htmx = {"HX-Request": "true"}
    milestone = client.post(
        f"{base}/jalons/",
        {"phase": "past", "year": "99999", "title": "Loin", "state": "published"},
        headers=htmx,
    )
    assert milestone.status_code == 400 and "Année entre 1800 et 2100." in milestone.text
    tomorrow = date.today() + timedelta(days=1)
    words = client.post(
        f"{base}/verbatims/",
        {
            "text": "Demain, on verra.",
            "speaker_role": "Habitant",
            "category": "habitant",
            "said_on": tomorrow.isoformat(),
            "state": "published",
        },
        headers=htmx,
    )
    assert words.status_code == 400 and "dans le futur" in words.text
    assert not town.milestones.filter(title="Loin").exists()
    assert not Verbatim.objects.filter(text="Demain, on verra.").exists()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"theme": "inconnu"}, "theme : valeur inconnue inconnu"),
        ({"region": "abc"}, "region : valeur inconnue abc"),
        ({"population": "xyz"}, "population : valeur inconnue xyz"),
        ({"de": "2020", "a": "2010"}, "La fin de la période précède son début"),
    ],
)
def test_the_api_refuses_the_filters_the_search_page_refuses(client, params, message):
    response = client.get("/api/v1/initiatives", params)
    assert response.status_code == 400
    assert message in response.json()["message"]
    assert client.get("/recherche/", params).status_code == 400


def test_the_api_takes_known_filters(client):
    InitiativeFactory(published=True)
    response = client.get("/api/v1/initiatives", {"theme": "energie", "region": "93"})
    assert response.status_code == 200


def test_an_edited_presentation_is_the_teams_not_the_sources(client, bob, town):
    """Bug: after the team replaced a portrait's presentation, the page still said
    « Source : PACT², … » under the new text."""
    from auditlog.models import LogEntry

    from territoires.initiatives import services
    from territoires.initiatives.models import Portrait

    services.set_presentation(town, "Le texte du document.", source="PACT², présentation")
    assert "Source : PACT², présentation" in client.get(town.get_absolute_url()).text
    client.force_login(bob)
    url = f"/territoires/commune/{town.code}-{town.slug}/presentation/"
    form = client.get(url).text
    assert "Le texte actuel vient de : PACT², présentation" in form
    portrait = Portrait.objects.get(territory=town)
    client.post(url, {"presentation": "Notre propre texte.", "edit_version": portrait.edit_version})
    client.logout()
    page = client.get(town.get_absolute_url()).text
    assert "Notre propre texte." in page and "PACT²" not in page
    assert "Texte de l'équipe du territoire" in page
    sources = [
        entry.changes_dict.get("source") for entry in LogEntry.objects.get_for_object(portrait)
    ]
    assert ["PACT², présentation", ""] in sources  # the citation stays in the history
