"""A territory's governance (issue 20): bodies, members, meetings and decisions, charters
and signatories; their invariants, the team's pages, the portrait's section."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from territoires.actors import services
from territoires.actors.models import (
    BodyMember,
    Charter,
    Decision,
    GovernanceBody,
    Meeting,
    Signatory,
)
from tests.actors.factories import OrganisationFactory, PersonFactory
from tests.territories.factories import commune

D = datetime.date


def _url(town, suffix=""):
    return f"/territoires/commune/06084-{town.slug}/acteurs/gouvernance/{suffix}"


@pytest.fixture
def copil(town):
    return GovernanceBody.objects.create(
        territory=town, name="Comité de pilotage du PCAET", kind="pilotage"
    )


# --- Invariants -------------------------------------------------------------------------


def test_a_body_is_not_dissolved_before_it_is_created(town):
    body = GovernanceBody(territory=town, name="Copil", created_on=D(2025, 1, 1))
    body.ended_on = D(2024, 1, 1)
    with pytest.raises(ValidationError) as error:
        body.full_clean()
    assert "ended_on" in error.value.error_dict


def test_a_member_is_an_organisation_or_a_person(copil):
    with pytest.raises(ValidationError):
        BodyMember(body=copil, role="membre").full_clean()
    with pytest.raises(ValidationError) as error:
        BodyMember(
            body=copil,
            organisation=OrganisationFactory(),
            role="membre",
            since=D(2025, 1, 1),
            until=D(2024, 1, 1),
        ).full_clean()
    assert "until" in error.value.error_dict


def test_a_person_from_an_organisation_acting_elsewhere_may_sit(copil, elsewhere):
    person = PersonFactory(organisation=OrganisationFactory(territories=[elsewhere]))
    member = services.save_governance(BodyMember(body=copil, person=person, role="référente"))
    assert member.pk and member.label == person.public_label


def test_a_charter_is_signed_after_its_adoption(town):
    charter = Charter.objects.create(territory=town, title="Charte", adopted_on=D(2025, 6, 1))
    with pytest.raises(ValidationError):
        services.save_governance(
            Signatory(charter=charter, organisation=OrganisationFactory(), signed_on=D(2025, 1, 1))
        )
    assert not Signatory.objects.exists()


# --- Services ---------------------------------------------------------------------------


def test_a_meeting_and_its_decisions_are_saved_all_or_nothing(copil):
    meeting = Meeting(body=copil, date=D(2026, 3, 1), title="Séance 1")
    with pytest.raises(ValidationError):
        services.save_meeting(
            meeting,
            [(Decision(text="Adopter le plan"), False), (Decision(text="x", status="?"), False)],
        )
    assert not Meeting.objects.exists() and not Decision.objects.exists()
    meeting = Meeting(body=copil, date=D(2026, 3, 1), title="Séance 1")
    services.save_meeting(meeting, [(Decision(text="Adopter le plan"), False)])
    assert list(meeting.decisions.values_list("text", "status")) == [("Adopter le plan", "adoptee")]


# --- Pages ------------------------------------------------------------------------------


def test_the_team_sees_bodies_members_meetings_and_charters(client, dana, copil, town):
    org = OrganisationFactory(name="Agence locale de l'énergie")
    BodyMember.objects.create(body=copil, organisation=org, role="référente")
    Meeting.objects.create(body=copil, date=D(2026, 1, 10), title="Lancement", published=True)
    later = Meeting.objects.create(body=copil, date=D(2026, 4, 2), title="Bilan", published=False)
    Decision.objects.create(meeting=later, text="Valider les indicateurs", status="reportee")
    charter = Charter.objects.create(territory=town, title="Charte des partenaires")
    Signatory.objects.create(charter=charter, organisation=org)
    client.force_login(dana)
    page = client.get(_url(town)).text
    assert "Comité de pilotage du PCAET" in page and "référente" in page
    assert page.index("Bilan") < page.index("Lancement")  # latest first
    assert "Valider les indicateurs" in page and "reportée" in page
    assert "Charte des partenaires" in page and "Agence locale" in page
    assert "Ajouter une instance" not in page  # a reader does not edit


def test_a_visitor_logs_in_and_another_territorys_team_gets_a_403(client, charlie, town):
    response = client.get(_url(town))
    assert response.status_code == 302 and "/comptes/connexion/" in response["Location"]
    client.force_login(charlie)
    assert client.get(_url(town)).status_code == 403
    assert client.get(_url(town, "instances/nouvelle/")).status_code == 403


def test_a_meeting_s_minutes_are_sanitised(client, bob, copil, town):
    client.force_login(bob)
    response = client.post(
        _url(town, f"instances/{copil.pk}/reunions/nouvelle/"),
        {
            "date": "2026-03-01",
            "title": "Séance",
            "minutes": "**Ordre du jour**<script>alert(1)</script>",
            "published": "on",
            "decisions-TOTAL_FORMS": "1",
            "decisions-INITIAL_FORMS": "0",
            "decisions-0-text": "Adopter la charte",
            "decisions-0-status": "adoptee",
        },
    )
    assert response.status_code == 302
    assert Decision.objects.get().text == "Adopter la charte"
    page = client.get(_url(town)).text
    assert "<strong>Ordre du jour</strong>" in page
    assert "<script>alert(1)" not in page


def test_bad_input_gives_french_errors_and_writes_nothing(client, bob, copil, town):
    client.force_login(bob)
    response = client.post(
        _url(town, "instances/nouvelle/"),
        {
            "name": "Conseil",
            "kind": "scientifique",
            "created_on": "2026-01-01",
            "ended_on": "2025-01-01",
        },
    )
    assert response.status_code == 400
    assert "dissoute avant" in response.text
    response = client.post(
        _url(town, f"instances/{copil.pk}/reunions/nouvelle/"),
        {
            "date": "2026-03-01",
            "title": "Séance",
            "decisions-TOTAL_FORMS": "1",
            "decisions-INITIAL_FORMS": "0",
            "decisions-0-text": "Adopter",
            "decisions-0-status": "inconnu",
        },
    )
    assert response.status_code == 400
    assert "Sélectionnez un choix valide" in response.text
    response = client.post(_url(town, f"instances/{copil.pk}/membres/nouveau/"), {"role": "x"})
    assert response.status_code == 400 and "une organisation ou une personne" in response.text
    assert GovernanceBody.objects.count() == 1
    assert not Meeting.objects.exists() and not BodyMember.objects.exists()


def test_a_signatory_signs_once(client, bob, town):
    charter = Charter.objects.create(territory=town, title="Charte")
    org = OrganisationFactory()
    client.force_login(bob)
    url = _url(town, f"chartes/{charter.pk}/signataires/nouveau/")
    assert client.post(url, {"organisation": org.pk}).status_code == 302
    assert client.post(url, {"organisation": org.pk}).status_code == 400
    assert Signatory.objects.count() == 1


def test_the_portrait_shows_a_body_once_added(client, bob, town):
    assert "Conseil participatif" not in client.get(town.get_absolute_url()).text  # cached
    client.force_login(bob)
    client.post(
        _url(town, "instances/nouvelle/"), {"name": "Conseil participatif", "kind": "participatif"}
    )
    body = GovernanceBody.objects.get()
    Meeting.objects.create(body=body, date=D(2026, 2, 1), title="Séance publique", published=True)
    Meeting.objects.create(body=body, date=D(2026, 3, 1), title="Séance interne")
    client.logout()
    page = client.get(commune("06084").get_absolute_url()).text
    assert "Conseil participatif" in page and "Séance publique" in page
    assert "Séance interne" not in page  # visitors see published meetings only


def test_a_meeting_s_decisions_are_edited_and_removed_with_it(client, bob, copil, town):
    meeting = Meeting.objects.create(body=copil, date=D(2026, 3, 1), title="Séance")
    kept = Decision.objects.create(meeting=meeting, text="Adopter le plan")
    gone = Decision.objects.create(meeting=meeting, text="Reporter l'étude")
    client.force_login(bob)
    response = client.post(
        _url(town, f"reunions/{meeting.pk}/modifier/"),
        {
            "date": "2026-03-01",
            "title": "Séance plénière",
            "decisions-TOTAL_FORMS": "2",
            "decisions-INITIAL_FORMS": "2",
            "decisions-0-id": kept.pk,
            "decisions-0-text": "Adopter le plan",
            "decisions-0-status": "rejetee",
            "decisions-1-id": gone.pk,
            "decisions-1-text": "Reporter l'étude",
            "decisions-1-status": "adoptee",
            "decisions-1-DELETE": "on",
        },
    )
    assert response.status_code == 302
    assert list(Decision.objects.values_list("text", "status")) == [("Adopter le plan", "rejetee")]
    assert Meeting.objects.get().title == "Séance plénière"


def test_a_body_s_changes_are_in_the_territory_s_history(town):
    from auditlog.models import LogEntry

    body = services.save_governance(GovernanceBody(territory=town, name="Conseil scientifique"))
    services.save_governance(
        BodyMember(body=body, organisation=OrganisationFactory(), role="membre")
    )
    entries = LogEntry.objects.filter(additional_data__territory=town.pk)
    assert {entry.content_type.model for entry in entries} >= {"governancebody", "bodymember"}


def test_staff_open_bodies_and_charters_in_the_admin(client, sam, copil, town):
    charter = Charter.objects.create(territory=town, title="Charte")
    client.force_login(sam)
    for url in (
        "/admin/actors/governancebody/add/",
        f"/admin/actors/governancebody/{copil.pk}/change/",
        "/admin/actors/charter/add/",
        f"/admin/actors/charter/{charter.pk}/change/",
    ):
        assert client.get(url).status_code == 200, url


def test_the_forms_offer_the_territorys_organisations_only(client, bob, copil, town, elsewhere):
    here = OrganisationFactory(name="Régie agricole")
    PersonFactory(organisation=here, name="Camille Régie")
    away = OrganisationFactory(name="Société Ailleurs", territories=[elsewhere])
    PersonFactory(organisation=away, name="Dominique Ailleurs")
    charter = Charter.objects.create(territory=town, title="Charte des partenaires")
    client.force_login(bob)
    member_form = client.get(_url(town, f"instances/{copil.pk}/membres/nouveau/")).text
    assert "Régie agricole" in member_form and "Camille Régie" in member_form
    assert "Société Ailleurs" not in member_form and "Dominique Ailleurs" not in member_form
    signatory_form = client.get(_url(town, f"chartes/{charter.pk}/signataires/nouveau/")).text
    assert "Régie agricole" in signatory_form and "Société Ailleurs" not in signatory_form
    refused = client.post(
        _url(town, f"chartes/{charter.pk}/signataires/nouveau/"), {"organisation": away.pk}
    )
    assert refused.status_code == 400 and not Signatory.objects.exists()


def test_members_and_signatories_are_edited_and_removed(client, bob, copil, town):
    regie = OrganisationFactory(name="Régie agricole")
    member = copil.members.create(organisation=regie, role="membre")
    charter = Charter.objects.create(territory=town, title="Charte des partenaires")
    signatory = charter.signatories.create(organisation=regie)
    client.force_login(bob)
    page = client.get(_url(town)).text
    assert _url(town, f"membres/{member.pk}/modifier/") in page
    edited = client.post(
        _url(town, f"membres/{member.pk}/modifier/"),
        {"organisation": regie.pk, "role": "référent agriculture", "since": "2026-01-15"},
    )
    assert edited.status_code == 302
    member.refresh_from_db()
    assert (member.role, member.since) == ("référent agriculture", D(2026, 1, 15))
    assert (
        client.post(
            _url(town, f"signataires/{signatory.pk}/modifier/"),
            {"organisation": regie.pk, "signed_on": "2026-02-01"},
        ).status_code
        == 302
    )
    assert client.post(_url(town, f"membres/{member.pk}/supprimer/")).status_code == 302
    assert client.post(_url(town, f"signataires/{signatory.pk}/supprimer/")).status_code == 302
    assert not BodyMember.objects.exists() and not Signatory.objects.exists()


def test_a_member_with_nobody_is_told_once_in_words(client, bob, copil, town):
    client.force_login(bob)
    response = client.post(_url(town, f"instances/{copil.pk}/membres/nouveau/"), {"role": "x"})
    text = response.content.decode()
    assert response.status_code == 400
    assert text.count("Un membre est une organisation ou une personne.") == 1
    assert "contrainte" not in text and "actors_bodymember" not in text
