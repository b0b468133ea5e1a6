"""The trajectory's milestones edited in place on the portrait: photo and linked initiatives."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from territoires.accounts.enums import Role
from territoires.initiatives import services
from territoires.initiatives.models import Milestone, Photo, Portrait
from tests.accounts.factories import MembershipFactory, UserFactory
from tests.initiatives.factories import InitiativeFactory, MilestoneFactory, jpeg_with_gps

HTMX = {"HX-Request": "true"}


@pytest.fixture
def milestone_with_photo(town):
    milestone = MilestoneFactory.build(territory=town, title="Première cantine bio")
    return services.save_milestone(
        milestone,
        initiatives=[],
        image=jpeg_with_gps(),
        alt="Les enfants à la cantine",
        credit="Commune",
    )


def add_url(territory):
    return reverse(
        "portraits:section",
        args=[territory.kind, territory.code, territory.slug, "jalons"],
    )


def edit_url(milestone, territory=None):
    territory = territory or milestone.territory
    return reverse(
        "portraits:section_edit",
        args=[territory.kind, territory.code, territory.slug, "jalons", milestone.pk],
    )


def delete_url(milestone):
    territory = milestone.territory
    return reverse(
        "portraits:section_delete",
        args=[territory.kind, territory.code, territory.slug, "jalons", milestone.pk],
    )


def photo_upload(data=None):
    return SimpleUploadedFile("jalon.jpg", data or jpeg_with_gps(), content_type="image/jpeg")


def milestone_data(**fields):
    return {
        "edit_version": 0,  # a new milestone; edits give the version they read
        "phase": "past",
        "year": "2008",
        "title": "La régie agricole",
        "text": "Des légumes bio pour les cantines.",
        "source": "",
        "state": "published",
        **fields,
    }


def timeline(page):
    """The trajectory's list on a portrait page (its initiatives are listed elsewhere too)."""
    return page.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]


def stored_files(photo):
    return [variant["name"] for variant in photo.variants]


def test_team_adds_a_milestone_with_its_photo_and_initiatives(
    client, bob, town, elsewhere, django_capture_on_commit_callbacks
):
    regie = InitiativeFactory(title="Régie agricole municipale", published=True)
    draft = InitiativeFactory(title="Maison de l'alimentation")
    foreign = InitiativeFactory(title="Tiers-lieu voisin", territory=elsewhere, published=True)
    client.force_login(bob)

    form = client.get(add_url(town), headers=HTMX)
    assert form.status_code == 200 and 'type="file"' in form.text
    assert f'name="initiatives" value="{regie.pk}"' in form.text
    assert f'name="initiatives" value="{draft.pk}"' in form.text  # drafts may be linked
    assert foreign.title not in form.text

    with django_capture_on_commit_callbacks(execute=True):  # the variants' task
        response = client.post(
            add_url(town),
            milestone_data(
                image=photo_upload(),
                alt="Les serres de la régie",
                credit="Commune de Mouans-Sartoux",
                initiatives=[regie.pk, draft.pk],
            ),
            headers=HTMX,
        )

    assert response.status_code == 200
    milestone = Milestone.objects.get(title="La régie agricole")
    assert set(milestone.initiatives.all()) == {regie, draft}
    assert (milestone.photo.alt, milestone.photo.credit) == (
        "Les serres de la régie",
        "Commune de Mouans-Sartoux",
    )
    assert milestone.photo.territory == town
    # The section, swapped in place: the variants are still being made in the background.
    assert "Photo en cours de préparation" in timeline(response.text)
    assert regie.get_absolute_url() in timeline(response.text)
    shown = timeline(client.get(town.get_absolute_url()).text)  # once they are
    assert "<picture>" in shown and 'type="image/webp"' in shown and " 960w" in shown
    assert 'alt="Les serres de la régie"' in shown and "© Commune de Mouans-Sartoux" in shown
    assert regie.get_absolute_url() in shown and draft.get_absolute_url() in shown


def test_the_photo_is_stored_without_its_metadata(
    client, bob, town, django_capture_on_commit_callbacks
):
    source = jpeg_with_gps()
    assert Image.open(io.BytesIO(source)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # Sanity.
    client.force_login(bob)

    with django_capture_on_commit_callbacks(execute=True):  # the variants' task
        client.post(
            add_url(town),
            milestone_data(image=photo_upload(source), alt="Les serres", credit="Commune"),
            headers=HTMX,
        )

    photo = Milestone.objects.get(title="La régie agricole").photo
    assert {variant["format"] for variant in photo.variants} == {"webp", "jpeg"}
    for name in stored_files(photo):
        with default_storage.open(name) as handle:
            data = handle.read()
        with Image.open(io.BytesIO(data)) as stored:
            assert len(stored.getexif()) == 0 and "exif" not in stored.info
        assert b"Exif" not in data and b"EXIF" not in data and b"Appareil" not in data


def test_a_photo_needs_its_alt_text_and_credit(client, bob, town):
    client.force_login(bob)

    response = client.post(add_url(town), milestone_data(image=photo_upload()), headers=HTMX)

    assert response.status_code == 400
    assert response.text.count("Obligatoire avec une photo.") == 2
    assert not Milestone.objects.exists() and not Photo.objects.exists()


def test_editing_a_milestone_in_place_keeps_its_photo(client, bob, town, milestone_with_photo):
    regie = InitiativeFactory(title="Régie agricole municipale", published=True)
    milestone, photo = milestone_with_photo, milestone_with_photo.photo
    client.force_login(bob)

    page = client.get(town.get_absolute_url()).text
    assert f'hx-get="{edit_url(milestone)}"' in page
    assert f'hx-target="#form-jalons-{milestone.pk}"' in page
    form = client.get(edit_url(milestone), headers=HTMX)
    assert form.status_code == 200
    assert f'hx-post="{edit_url(milestone)}"' in form.text
    assert 'value="Première cantine bio"' in form.text
    assert 'value="Les enfants à la cantine"' in form.text
    assert "Retirer la photo actuelle" in form.text
    without_js = client.get(edit_url(milestone))  # the page the "Modifier" link leads to
    assert without_js.status_code == 200 and f'action="{edit_url(milestone)}"' in without_js.text

    response = client.post(
        edit_url(milestone),
        milestone_data(
            edit_version=milestone.edit_version,
            title="Cantine 100 % bio",
            alt="Les enfants à la cantine",
            credit="Ville de Mouans-Sartoux",
            initiatives=[regie.pk],
        ),
        headers=HTMX,
    )

    assert response.status_code == 200 and "Cantine 100 % bio" in response.text
    assert Milestone.objects.count() == 1  # edited, not added
    milestone.refresh_from_db()
    assert milestone.title == "Cantine 100 % bio" and list(milestone.initiatives.all()) == [regie]
    assert milestone.photo == photo
    photo.refresh_from_db()
    assert photo.credit == "Ville de Mouans-Sartoux"


def test_editing_replaces_the_photo(
    client, bob, milestone_with_photo, django_capture_on_commit_callbacks
):
    milestone, old = milestone_with_photo, milestone_with_photo.photo
    client.force_login(bob)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            edit_url(milestone),
            milestone_data(
                edit_version=milestone.edit_version,
                image=photo_upload(),
                alt="Le marché",
                credit="Association",
            ),
            headers=HTMX,
        )

    assert response.status_code == 200
    milestone.refresh_from_db()
    assert milestone.photo != old and milestone.photo.alt == "Le marché"
    assert not Photo.objects.filter(pk=old.pk).exists()
    assert not any(default_storage.exists(name) for name in stored_files(old))


def test_editing_removes_the_photo(
    client, bob, milestone_with_photo, django_capture_on_commit_callbacks
):
    milestone, old = milestone_with_photo, milestone_with_photo.photo
    client.force_login(bob)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            edit_url(milestone),
            milestone_data(edit_version=milestone.edit_version, remove_photo="on"),
            headers=HTMX,
        )

    assert response.status_code == 200 and "<picture>" not in timeline(response.text)
    milestone.refresh_from_db()
    assert milestone.photo is None and not Photo.objects.exists()
    assert not any(default_storage.exists(name) for name in stored_files(old))


def test_a_photo_shown_elsewhere_too_is_kept(client, bob, town, milestone_with_photo):
    photo = milestone_with_photo.photo
    Portrait.objects.create(territory=town, hero_photo=photo)  # as the admin allows
    client.force_login(bob)

    client.post(
        edit_url(milestone_with_photo),
        milestone_data(edit_version=milestone_with_photo.edit_version, remove_photo="on"),
        headers=HTMX,
    )

    milestone_with_photo.refresh_from_db()
    assert milestone_with_photo.photo is None and Photo.objects.filter(pk=photo.pk).exists()


def test_deleting_a_milestone_deletes_its_photo(
    client, bob, milestone_with_photo, django_capture_on_commit_callbacks
):
    names = stored_files(milestone_with_photo.photo)
    client.force_login(bob)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(delete_url(milestone_with_photo), headers=HTMX)

    assert response.status_code == 200
    assert not Milestone.objects.exists() and not Photo.objects.exists()
    assert not any(default_storage.exists(name) for name in names)


def test_an_initiative_of_another_territory_is_refused(client, bob, town, elsewhere):
    foreign = InitiativeFactory(territory=elsewhere, published=True)
    milestone = MilestoneFactory(title="Avant")
    client.force_login(bob)

    added = client.post(
        add_url(town),
        milestone_data(
            initiatives=[foreign.pk], image=photo_upload(), alt="Les serres", credit="Commune"
        ),
        headers=HTMX,
    )
    edited = client.post(
        edit_url(milestone),
        milestone_data(
            edit_version=milestone.edit_version, title="Après", initiatives=[foreign.pk]
        ),
        headers=HTMX,
    )

    for response in (added, edited):
        assert response.status_code == 400
        assert "Choisissez uniquement des initiatives de ce territoire." in response.text
    assert list(Milestone.objects.values_list("title", flat=True)) == ["Avant"]
    assert not milestone.initiatives.exists() and not Photo.objects.exists()


def test_the_service_refuses_an_initiative_of_another_territory(town, elsewhere):
    foreign = InitiativeFactory(territory=elsewhere, published=True)

    with pytest.raises(ValidationError, match="initiatives de son territoire"):
        services.save_milestone(
            MilestoneFactory.build(territory=town),
            initiatives=[foreign],
            image=jpeg_with_gps(),
            alt="Les serres",
            credit="Commune",
        )

    assert not Milestone.objects.exists() and not Photo.objects.exists()


def test_a_file_that_is_not_an_image_is_refused(client, bob, town, milestone_with_photo):
    fake = SimpleUploadedFile("jalon.jpg", b"%PDF-1.4 pas une photo", content_type="image/jpeg")
    client.force_login(bob)

    added = client.post(
        add_url(town),
        milestone_data(title="Nouveau", image=fake, alt="Les serres", credit="Commune"),
        headers=HTMX,
    )
    fake.seek(0)
    edited = client.post(
        edit_url(milestone_with_photo),
        milestone_data(
            edit_version=milestone_with_photo.edit_version,
            title="Modifié",
            image=fake,
            alt="Les serres",
            credit="Commune",
        ),
        headers=HTMX,
    )

    for response in (added, edited):
        assert response.status_code == 400
        assert "pas une image JPEG, PNG ou WebP." in response.text
    assert list(Milestone.objects.values_list("title", flat=True)) == ["Première cantine bio"]
    assert list(Photo.objects.all()) == [milestone_with_photo.photo]


@pytest.mark.parametrize("who", ["outsider", "reader", "contributor_elsewhere"])
def test_only_the_team_edits_its_milestones(client, town, elsewhere, who):
    user = {
        "outsider": lambda: UserFactory(),
        "reader": lambda: MembershipFactory(territory=town, role=Role.READER).user,
        "contributor_elsewhere": lambda: (
            MembershipFactory(territory=elsewhere, role=Role.CONTRIBUTOR).user
        ),
    }[who]()
    milestone = MilestoneFactory(title="Avant")
    client.force_login(user)

    assert client.get(edit_url(milestone), headers=HTMX).status_code == 403
    for url in (add_url(town), edit_url(milestone)):
        response = client.post(url, milestone_data(title="Après"), headers=HTMX)
        assert response.status_code == 403
    assert client.post(delete_url(milestone), headers=HTMX).status_code == 403
    assert list(Milestone.objects.values_list("title", flat=True)) == ["Avant"]
    assert edit_url(milestone) not in client.get(town.get_absolute_url()).text


def test_visitors_are_sent_to_the_login_page(client, town):
    milestone = MilestoneFactory(title="Avant")
    login = reverse("accounts:login")

    for url in (add_url(town), edit_url(milestone)):
        response = client.post(url, milestone_data(title="Après"))
        assert response.status_code == 302 and response["Location"].startswith(login)
    assert list(Milestone.objects.values_list("title", flat=True)) == ["Avant"]


def test_a_milestone_is_edited_from_its_own_territory_only(client, bob, town, elsewhere):
    other = MilestoneFactory(territory=elsewhere)
    client.force_login(bob)

    assert client.get(edit_url(other, territory=town), headers=HTMX).status_code == 404
    response = client.post(edit_url(other, territory=town), milestone_data(), headers=HTMX)
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.title != "La régie agricole"


def test_linked_drafts_are_shown_to_the_team_only(client, bob, town):
    published = InitiativeFactory(title="Centrale solaire citoyenne", published=True)
    draft = InitiativeFactory(title="Projet de ferme encore confidentiel")
    MilestoneFactory(title="Premiers pas").initiatives.set([published, draft])
    reader = MembershipFactory(territory=town, role=Role.READER).user

    for user in (None, reader):
        if user is not None:
            client.force_login(user)
        page = client.get(town.get_absolute_url()).text
        assert published.get_absolute_url() in timeline(page)
        assert draft.title not in page and draft.get_absolute_url() not in page

    client.force_login(bob)
    shown = timeline(client.get(town.get_absolute_url()).text)
    assert draft.get_absolute_url() in shown and "brouillon" in shown
