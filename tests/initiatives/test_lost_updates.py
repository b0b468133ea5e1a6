"""No lost update: an edit made from a form read before another save is refused, with both
versions shown, instead of silently undoing the other edit."""

import re
import threading

import pytest

from territoires.initiatives.models import Initiative, Milestone, Portrait
from tests.accounts.factories import MembershipFactory
from tests.initiatives.factories import InitiativeFactory, MilestoneFactory
from tests.territories.factories import commune

HTMX = {"HX-Request": "true"}


def read_version(html: str) -> int:
    return int(re.search(r'name="edit_version" value="(\d+)"', html).group(1))


def milestone_url(milestone):
    town = milestone.territory
    return f"/territoires/commune/{town.code}-{town.slug}/jalons/{milestone.pk}/modifier/"


def milestone_data(version, title):
    return {
        "edit_version": version,
        "phase": "past",
        "year": 2008,
        "title": title,
        "state": "published",
    }


def test_two_people_editing_the_same_milestone(client, bob, alice, town):
    milestone = MilestoneFactory(territory=town, title="La régie")
    url = milestone_url(milestone)
    client.force_login(bob)
    bobs_version = read_version(client.get(url, headers=HTMX).text)
    client.force_login(alice)
    alices_version = read_version(client.get(url, headers=HTMX).text)
    assert bobs_version == alices_version

    saved = client.post(url, milestone_data(alices_version, "La régie agricole"), headers=HTMX)
    assert saved.status_code == 200
    client.force_login(bob)
    stale = client.post(url, milestone_data(bobs_version, "La régie municipale"), headers=HTMX)
    assert stale.status_code == 409
    assert "rien n'a été écrit" in stale.text
    assert "La régie municipale" in stale.text and "La régie agricole" in stale.text
    assert Milestone.objects.get(pk=milestone.pk).title == "La régie agricole"
    # Sent again from the conflict's form, it replaces the stored version, knowingly.
    again = client.post(
        url, milestone_data(read_version(stale.text), "La régie municipale"), headers=HTMX
    )
    assert again.status_code == 200
    assert Milestone.objects.get(pk=milestone.pk).title == "La régie municipale"


def test_a_stale_initiative_form_is_refused_with_both_versions(client, bob, alice, town):
    initiative = InitiativeFactory(territory=town, title="Cantine", published=True)
    url = f"/initiatives/{initiative.slug}/modifier/"
    form = {
        "summary": initiative.summary,
        "status": "ongoing",
        "state": "published",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "resources-TOTAL_FORMS": "0",
        "resources-INITIAL_FORMS": "0",
    }
    client.force_login(alice)
    version = read_version(client.get(url).text)
    assert (
        client.post(url, {**form, "title": "Cantine bio", "edit_version": version}).status_code
        == 302
    )
    client.force_login(bob)
    stale = client.post(url, {**form, "title": "Cantine locale", "edit_version": version})
    assert (
        stale.status_code == 409 and "Cantine bio" in stale.text and "Cantine locale" in stale.text
    )
    assert Initiative.objects.get(pk=initiative.pk).title == "Cantine bio"


def test_a_stale_presentation_is_refused(client, bob, alice, town):
    url = f"/territoires/commune/{town.code}-{town.slug}/presentation/"
    client.force_login(alice)
    version = read_version(client.get(url).text)
    client.post(url, {"presentation": "Celle d'Alice.", "edit_version": version})
    client.force_login(bob)
    stale = client.post(url, {"presentation": "Celle de Bob.", "edit_version": version})
    assert stale.status_code == 409
    assert Portrait.objects.get(territory=town).presentation == "Celle d'Alice."


def test_a_form_without_its_version_is_refused_in_french(client, bob, town):
    milestone = MilestoneFactory(territory=town)
    client.force_login(bob)
    data = milestone_data(0, "Sans version")
    del data["edit_version"]
    response = client.post(milestone_url(milestone), data, headers=HTMX)
    assert response.status_code == 400 and "rechargez la page" in response.text


@pytest.mark.django_db(transaction=True)
def test_a_hundred_parallel_edits_are_each_applied_or_told(reimport_sample):
    """A hundred people send an edit of the same milestone, read at the same version: one
    is applied, the 99 others are told — none vanishes without a word. Told is a 409 with
    both versions, or, when SQLite's single writer lock was waited for longer than its
    bound on a loaded machine, the 503 that asks to try again (nothing written either)."""
    from django.db import connection
    from django.test import Client

    town = commune("06084")
    editor = MembershipFactory(
        user__email="editrice@example.org", territory=town, role="contributor"
    ).user
    milestone = MilestoneFactory(territory=town, title="Avant")
    url, version = milestone_url(milestone), milestone.edit_version
    statuses, titles = [], [f"Version {n}" for n in range(100)]
    clients = [Client() for _ in range(20)]
    for client in clients:  # logged in here: the threads only send their edits
        client.force_login(editor)
    start = threading.Barrier(len(clients), timeout=30)

    def edit(client, batch):
        start.wait()
        try:
            for title in batch:
                response = client.post(url, milestone_data(version, title), headers=HTMX)
                statuses.append((title, response.status_code, response.text))
        finally:
            connection.close()  # each thread has its own: the test database must be dropped

    threads = [
        threading.Thread(target=edit, args=(client, titles[n :: len(clients)]))
        for n, client in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    applied = [title for title, status, _text in statuses if status == 200]
    told = [
        title
        for title, status, text in statuses
        if (status == 409 and title in text and "rien n'a été écrit" in text)
        or (status == 503 and "Réessayez" in text)
    ]
    assert len(statuses) == 100 and len(applied) == 1 and len(told) == 99
    assert sum(status == 409 for _title, status, _text in statuses) >= 50
    assert Milestone.objects.get(pk=milestone.pk).title == applied[0]
