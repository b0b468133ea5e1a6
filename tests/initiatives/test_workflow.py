"""Publication follows a workflow: states, allowed transitions, who may fire them, a log."""

import pytest
from django_fsm_log.models import StateLog

from territoires.core import workflows
from territoires.initiatives.enums import PublicationState
from territoires.initiatives.models import Initiative
from tests.initiatives.factories import InitiativeFactory


def test_the_team_publishes_and_the_transition_is_logged(bob):
    initiative = InitiativeFactory()
    workflows.fire_to(initiative, PublicationState.PUBLISHED, by=bob)
    initiative.refresh_from_db()
    assert initiative.state == PublicationState.PUBLISHED
    log = StateLog.objects.for_(initiative).get()
    assert (log.transition, log.source_state, log.state, log.by) == (
        "publish",
        "draft",
        "published",
        bob,
    )


def test_the_states_change_only_by_their_transitions():
    initiative = InitiativeFactory()
    with pytest.raises(AttributeError):
        initiative.state = PublicationState.PUBLISHED


@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        ("draft", "review", True),
        ("draft", "published", True),
        ("review", "published", True),
        ("published", "archived", True),
        ("published", "draft", True),
        ("archived", "published", True),
        ("draft", "archived", False),
        ("review", "archived", False),
        ("archived", "review", False),
    ],
)
def test_which_transitions_exist(bob, start, target, allowed):
    initiative = InitiativeFactory(state=start)
    if allowed:
        workflows.fire_to(initiative, target, by=bob)
        assert Initiative.objects.get(pk=initiative.pk).state == target
    else:
        with pytest.raises(workflows.WorkflowError, match="On ne passe pas de"):
            workflows.fire_to(initiative, target, by=bob)
        assert Initiative.objects.get(pk=initiative.pk).state == start


def test_only_the_team_may_fire_them(dana, charlie):
    initiative = InitiativeFactory()
    for outsider in (dana, charlie):
        with pytest.raises(workflows.WorkflowError, match="pas le droit"):
            workflows.fire_to(initiative, PublicationState.PUBLISHED, by=outsider)
    assert Initiative.objects.get(pk=initiative.pk).state == PublicationState.DRAFT
    assert not StateLog.objects.for_(initiative).exists()


def test_the_form_offers_the_reachable_states_and_refuses_others_in_french(client, bob):
    initiative = InitiativeFactory(published=True)
    client.force_login(bob)
    url = f"/initiatives/{initiative.slug}/modifier/"
    form = client.get(url).text
    assert "Archiver" in form and "Repasser en brouillon" in form
    assert 'value="review"' not in form  # published → review is no transition
    data = {
        "edit_version": initiative.edit_version,
        "title": initiative.title,
        "summary": initiative.summary,
        "status": "ongoing",
        "contacts-TOTAL_FORMS": "0",
        "contacts-INITIAL_FORMS": "0",
        "resources-TOTAL_FORMS": "0",
        "resources-INITIAL_FORMS": "0",
    }
    refused = client.post(url, {**data, "state": "review"})
    assert refused.status_code == 400 and "Sélectionnez un choix valide" in refused.text
    archived = client.post(url, {**data, "state": "archived"})  # the refusal wrote nothing
    assert archived.status_code == 302
    assert Initiative.objects.get(pk=initiative.pk).state == PublicationState.ARCHIVED
    # Archived: the team still sees it, visitors no longer do.
    assert client.get(initiative.get_absolute_url()).status_code == 200
    client.logout()
    assert client.get(initiative.get_absolute_url()).status_code == 404
