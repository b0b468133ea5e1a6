"""The controversies log (issue 20, part 2): worked in the open by the team, private until
its admins publish a summary."""

import re

from django_fsm_log.models import StateLog

from territoires.actors.models import GovernanceBody
from territoires.controversies.models import Controversy, ControversyState
from tests.actors.factories import OrganisationFactory

LOG = "/territoires/commune/06084-mouans-sartoux/controverses/"


def _create(client, **fields):
    data = {"subject": "Le parc éolien du plateau", "edit_version": 0, **fields}
    response = client.post(f"{LOG}nouvelle/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Controversy.objects.get(subject=data["subject"])


def test_a_new_controversy_is_the_teams_only(client, bob, town):
    client.force_login(bob)
    controversy = _create(client, context="Un projet de six éoliennes.")
    assert controversy.state == ControversyState.PRIVATE
    assert "Le parc éolien du plateau" in client.get(LOG).text
    client.logout()
    assert "Le parc éolien du plateau" not in client.get(LOG).text
    assert client.get(controversy.get_absolute_url()).status_code == 404
    assert "Le parc éolien du plateau" not in client.get(town.get_absolute_url()).text


def test_positions_are_held_by_the_territorys_organisations_with_their_arguments(
    client, bob, town, elsewhere
):
    client.force_login(bob)
    controversy = _create(client)
    association = OrganisationFactory(name="Vent du plateau")
    stranger = OrganisationFactory(name="Société Ailleurs", territories=[elsewhere])
    url = f"{LOG}{controversy.pk}/positions/nouvelle/"
    form = client.get(url).text
    assert "Vent du plateau" in form and "Société Ailleurs" not in form
    data = {
        "label": "Pour, avec un financement citoyen",
        "holders": [association.pk],
        "other_holders": "des habitants du hameau",
        "order": 1,
        "arguments-TOTAL_FORMS": 2,
        "arguments-INITIAL_FORMS": 0,
        "arguments-0-text": "Produire l'électricité de 4 000 foyers",
        "arguments-0-source": "Étude de potentiel, 2025",
        "arguments-1-text": "",
    }
    assert client.post(url, data).status_code == 302
    position = controversy.positions.get()
    assert list(position.holders.all()) == [association]
    assert position.arguments.get().source == "Étude de potentiel, 2025"
    page = client.get(controversy.get_absolute_url()).text
    assert "Vent du plateau" in page and "Produire l&#x27;électricité de 4 000 foyers" in page
    # An organisation of another territory is no choice: refused, nothing written.
    refused = client.post(url, {**data, "label": "Contre", "holders": [stranger.pk]})
    assert refused.status_code == 400
    assert controversy.positions.count() == 1


def test_a_venue_is_one_of_the_territorys_meetings_or_a_named_moment(client, bob, town, elsewhere):
    client.force_login(bob)
    controversy = _create(client)
    council = GovernanceBody.objects.create(territory=town, name="Conseil participatif")
    meeting = council.meetings.create(date="2026-03-12", title="Séance sur l'éolien")
    meeting.decisions.create(text="Une visite d'un parc voisin est organisée")
    foreign = GovernanceBody.objects.create(territory=elsewhere, name="Comité d'ailleurs")
    foreign_meeting = foreign.meetings.create(date="2026-03-12", title="Autre")
    url = f"{LOG}{controversy.pk}/lieux/nouveau/"
    assert (
        client.post(
            url,
            {
                "date": "2026-03-12",
                "label": "Conseil participatif",
                "meeting": meeting.pk,
                "outcome": "Les deux positions ont été entendues.",
            },
        ).status_code
        == 302
    )
    assert client.post(url, {"label": "X", "meeting": foreign_meeting.pk}).status_code == 400
    page = client.get(controversy.get_absolute_url()).text
    assert "Les deux positions ont été entendues." in page
    assert "Une visite d&#x27;un parc voisin est organisée" in page
    assert controversy.venues.count() == 1


def test_only_the_territorys_admins_publish_a_summary(client, bob, alice, charlie, town):
    client.force_login(bob)
    controversy = _create(client)
    state = f"{LOG}{controversy.pk}/publication/"
    assert client.post(state, {"transition": "publish"}).status_code == 403
    client.force_login(charlie)
    assert client.post(state, {"transition": "publish"}).status_code == 403
    client.force_login(alice)
    # No summary yet: told, still private.
    page = client.post(state, {"transition": "publish"}, follow=True).text
    assert "Écrivez d&#x27;abord le résumé public." in page
    controversy.refresh_from_db()
    assert controversy.state == ControversyState.PRIVATE


def test_a_published_summary_shows_on_the_portrait_and_hides_the_positions(client, alice, town):
    client.force_login(alice)
    controversy = _create(
        client,
        summary="Deux positions sur le parc éolien, travaillées en conseil participatif.",
        open_points="Le tracé du raccordement.",
    )
    controversy.positions.create(label="Contre, pour le paysage")
    client.post(f"{LOG}{controversy.pk}/publication/", {"transition": "publish"})
    controversy.refresh_from_db()
    assert controversy.is_published and controversy.published_at
    log = StateLog.objects.get(object_id=str(controversy.pk), transition="publish")
    assert log.by == alice

    client.logout()
    portrait = client.get(town.get_absolute_url()).text
    assert "Controverses travaillées" in portrait
    assert "travaillées en conseil participatif" in portrait
    page = client.get(controversy.get_absolute_url())
    assert page.status_code == 200
    assert "Le tracé du raccordement." in page.text
    assert "Contre, pour le paysage" not in page.text  # positions stay the team's

    client.force_login(alice)
    client.post(f"{LOG}{controversy.pk}/publication/", {"transition": "withdraw"})
    client.logout()
    assert "travaillées en conseil participatif" not in client.get(town.get_absolute_url()).text
    assert client.get(controversy.get_absolute_url()).status_code == 404


def test_a_stale_edit_is_refused_with_both_versions(client, bob, alice, town):
    client.force_login(bob)
    controversy = _create(client)
    url = f"{LOG}{controversy.pk}/modifier/"
    version = int(re.search(r'name="edit_version" value="(\d+)"', client.get(url).text)[1])
    fields = {"subject": "Le parc éolien du plateau", "edit_version": version}
    assert client.post(url, {**fields, "decided": "Une étude paysagère."}).status_code == 302
    client.force_login(alice)
    stale = client.post(url, {**fields, "decided": "Un référendum local."})
    assert stale.status_code == 409
    assert "Une étude paysagère." in stale.text and "Un référendum local." in stale.text
    controversy.refresh_from_db()
    assert controversy.decided == "Une étude paysagère."


def test_removing_a_position_and_the_controversy(client, bob, town):
    client.force_login(bob)
    controversy = _create(client)
    position = controversy.positions.create(label="Pour")
    position.arguments.create(text="De l'énergie locale")
    assert (
        client.post(f"{LOG}{controversy.pk}/positions/{position.pk}/supprimer/").status_code == 302
    )
    assert not controversy.positions.exists()
    assert client.post(f"{LOG}{controversy.pk}/supprimer/").status_code == 302
    assert not Controversy.objects.filter(pk=controversy.pk).exists()
