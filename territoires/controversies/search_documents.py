"""What the search knows of controversies: their published summaries (subject, summary,
decisions, what stays open), never a private one nor its positions; followed by signals."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from territoires.controversies.models import Controversy
from territoires.core import search
from territoires.territories.search_documents import territory_facets

KIND = "controverse"


def controversy_document(controversy: Controversy) -> search.Document:
    territory = controversy.territory
    return search.Document(
        kind=KIND,
        object_id=controversy.pk,
        title=controversy.subject,
        body=" ".join(
            filter(None, [controversy.summary, controversy.decided, controversy.open_points])
        ),
        url=controversy.get_absolute_url(),
        published=controversy.is_published,
        territory_id=territory.pk,
        facets=territory_facets(territory),
    )


def _related(controversies):
    return controversies.select_related("territory__region")


def controversy_documents():
    return map(controversy_document, _related(Controversy.objects.all()).iterator(500))


def _saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    pk = instance.pk

    def index():
        found = _related(Controversy.objects.filter(pk=pk)).first()
        if found is not None:
            search.index_documents([controversy_document(found)])

    transaction.on_commit(index)


def _deleted(sender, instance, **kwargs):
    pk = instance.pk
    transaction.on_commit(lambda: search.remove_documents(KIND, [pk]))


def register():
    uid = "territoires.controversies.search"
    post_save.connect(_saved, sender=Controversy, dispatch_uid=uid)
    post_delete.connect(_deleted, sender=Controversy, dispatch_uid=uid)
    search.kinds.register(
        search.SearchKind(
            KIND,
            _("Controverse"),
            _("Controverses"),
            order=45,
            documents=controversy_documents,
            # Found by words; browsing the commons without words stays on the commons.
            browsed=False,
        )
    )
