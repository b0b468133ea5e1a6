"""Organisations in the search: found by words once public, followed whatever writes."""

from territoires.actors.models import Organisation
from territoires.core import search
from territoires.core.models import SearchDocument
from tests.actors.factories import OrganisationFactory, contact
from tests.initiatives.factories import InitiativeFactory
from tests.territories.factories import commune


def found(words):
    results = search.search(search.SearchQuery(text=words, filters={"kinds": ("organisation",)}))
    return [hit.title for hit in results.hits]


def test_registered_organisations_are_found_by_name_and_description(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        OrganisationFactory(name="Coopérative des jardins", description="Maraîchage biologique")
    assert found("cooperative") == ["Coopérative des jardins"]
    assert found("maraichage") == ["Coopérative des jardins"]


def test_an_organisation_only_drafts_name_stays_out_until_one_is_published(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        draft = InitiativeFactory(title="Projet")
        contact(draft, Organisation.objects.create(name="Légumerie secrète"))
    assert found("legumerie") == []
    with django_capture_on_commit_callbacks(execute=True):
        draft.publish()
        draft.save()
    assert found("legumerie") == ["Légumerie secrète"]


def test_deleted_organisations_leave_the_index(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        organisation = OrganisationFactory(name="Syndicat des eaux", territories=[commune("06004")])
    assert found("syndicat") == ["Syndicat des eaux"]
    with django_capture_on_commit_callbacks(execute=True):
        organisation.delete()
    assert found("syndicat") == []
    assert not SearchDocument.objects.filter(kind="organisation", published=True).exists()


def test_reindex_builds_every_organisation():
    OrganisationFactory(name="Régie agricole")
    documents = list(search.kinds.get("organisation").documents())
    assert [document.title for document in documents] == ["Régie agricole"]
