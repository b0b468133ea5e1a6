"""Controversies in the search: a published summary is found by its words, a private
controversy never, nor anything of its positions."""

from territoires.controversies import services
from territoires.controversies.models import Controversy
from territoires.core import search


def found(words):
    query = search.SearchQuery(text=words, filters={"kinds": ("controverse",)})
    return [hit.title for hit in search.search(query).hits]


def test_only_a_published_summary_is_found(django_capture_on_commit_callbacks, town, alice):
    with django_capture_on_commit_callbacks(execute=True):
        controversy = Controversy.objects.create(
            territory=town, subject="Le parc éolien", summary="Deux positions sur les éoliennes."
        )
        controversy.positions.create(label="Contre, pour le paysage")
    assert found("eolien") == []
    with django_capture_on_commit_callbacks(execute=True):
        services.change_state(controversy, "publish", by=alice)
    assert found("eoliennes") == ["Le parc éolien"]
    assert found("paysage") == []  # its positions stay the team's
    with django_capture_on_commit_callbacks(execute=True):
        services.change_state(controversy, "withdraw", by=alice)
    assert found("eoliennes") == []
    with django_capture_on_commit_callbacks(execute=True):
        services.change_state(controversy, "publish", by=alice)
        services.delete_controversy(controversy)
    assert found("eoliennes") == []
