"""The commons are kept: each item shows when it was last checked and by whom; the
territory's admins and the platform's curators mark it checked; not checked for long, it
says « à vérifier » and waits in the curators' queue."""

from datetime import timedelta

from auditlog.models import LogEntry
from django.utils import timezone

from territoires.initiatives import services
from territoires.initiatives.models import Initiative
from tests.accounts.factories import UserFactory
from tests.initiatives.factories import InitiativeFactory


def test_an_admin_marks_an_initiative_checked_and_the_history_keeps_it(client, alice, town):
    initiative = InitiativeFactory(territory=town, published=True)
    client.force_login(alice)
    assert "Pas encore vérifié" in client.get(initiative.get_absolute_url()).text
    response = client.post(f"/initiatives/verifier/initiative/{initiative.pk}/")
    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.checked_by == alice and not initiative.check_due
    page = client.get(initiative.get_absolute_url()).text
    assert "Vérifié le" in page and alice.display_name in page
    assert (
        LogEntry.objects.get_for_object(initiative).filter(changes__icontains="checked_at").exists()
    )


def test_old_content_is_due_and_waits_in_the_curators_queue(client, town, bob, settings):
    settings.CHECK_MONTHS = 24
    old = InitiativeFactory(territory=town, published=True, title="Vieille initiative")
    Initiative.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=800))
    fresh = InitiativeFactory(territory=town, published=True, title="Initiative récente")
    old.refresh_from_db()
    assert old.check_due and not fresh.check_due
    assert "à vérifier" in client.get(old.get_absolute_url()).text
    curator = UserFactory(email="curatrice@example.org", is_curator=True)
    client.force_login(curator)
    queue = client.get("/initiatives/a-verifier/")
    assert queue.status_code == 200
    assert "Vieille initiative" in queue.text and "Initiative récente" not in queue.text
    client.post(
        f"/initiatives/verifier/initiative/{old.pk}/", {"suivant": "/initiatives/a-verifier/"}
    )
    assert "Vieille initiative" not in client.get("/initiatives/a-verifier/").text
    # A contributor may not vouch for it, nor read the queue.
    client.force_login(bob)
    assert client.post(f"/initiatives/verifier/initiative/{fresh.pk}/").status_code == 403
    assert client.get("/initiatives/a-verifier/").status_code == 403


def test_a_checkers_erasure_keeps_the_check(alice, town):
    from territoires.accounts import data
    from tests.accounts.factories import MembershipFactory

    MembershipFactory(territory=town, role="admin")  # so that alice is not the last admin
    initiative = InitiativeFactory(territory=town, published=True)
    services.mark_checked(initiative, by=alice)
    data.erase_account(alice)
    initiative.refresh_from_db()
    assert initiative.checked_at and initiative.checked_by.email.endswith(".invalid")
