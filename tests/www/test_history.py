"""The history of changes: who changed what and when, for the territory's admins, without
the personal data of the people concerned."""

from auditlog.models import LogEntry

from territoires.accounts.enums import Role
from territoires.accounts.services import add_member, change_role
from territoires.initiatives import services
from territoires.initiatives.models import Verbatim
from tests.initiatives.factories import InitiativeFactory


def history_of(client, town):
    return client.get(f"/territoires/commune/{town.code}-{town.slug}/historique/")


def test_a_change_is_kept_with_who_made_it(client, bob, alice, town):
    initiative = InitiativeFactory(territory=town, title="Cantine")
    client.force_login(bob)
    url = f"/initiatives/{initiative.slug}/modifier/"
    client.post(
        url,
        {
            "edit_version": initiative.edit_version,
            "title": "Cantine bio",
            "summary": initiative.summary,
            "status": "ongoing",
            "state": "draft",
            "contacts-TOTAL_FORMS": "0",
            "contacts-INITIAL_FORMS": "0",
            "resources-TOTAL_FORMS": "0",
            "resources-INITIAL_FORMS": "0",
        },
    )
    entry = (
        LogEntry.objects.get_for_object(initiative).filter(action=LogEntry.Action.UPDATE).first()
    )
    assert entry.actor == bob and entry.changes_dict["title"] == ["Cantine", "Cantine bio"]
    client.force_login(alice)
    page = history_of(client, town)
    assert page.status_code == 200
    assert "Cantine bio" in page.text and str(bob) in page.text


def test_roles_granted_and_changed_are_kept_without_the_persons_name(alice, town):
    from tests.accounts.factories import UserFactory

    UserFactory(email="camille.canari@example.org", display_name="Camille Canari")
    membership = add_member("camille.canari@example.org", town, Role.READER)
    change_role(membership, Role.CONTRIBUTOR)
    entries = LogEntry.objects.get_for_object(membership)
    assert entries.count() == 2
    assert entries.filter(action=LogEntry.Action.UPDATE).get().changes_dict["role"] == [
        "reader",
        "contributor",
    ]
    trail = " ".join(f"{e.object_repr} {e.changes} {e.actor_email}" for e in LogEntry.objects.all())
    assert "Canari" not in trail and "canari@" not in trail


def test_a_speakers_name_stays_out_of_the_trail(bob, town):
    services.save_verbatim(
        Verbatim(
            territory=town,
            text="Nous avons planté ensemble.",
            speaker_name="Zoé Témoin",
            consent_to_name=True,
            speaker_role="habitante",
            category="habitant",
        ),
        by=bob,
    )
    trail = " ".join(f"{e.object_repr} {e.changes}" for e in LogEntry.objects.all())
    assert "Témoin" not in trail and "planté ensemble" in trail


def test_only_the_territorys_admins_read_it(client, bob, dana, charlie, town):
    for person in (bob, dana, charlie):
        client.force_login(person)
        assert history_of(client, town).status_code == 403
