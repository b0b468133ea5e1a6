"""Background work of the registry."""

from territoires.core import search
from territoires.core.tasks import retried_task
from territoires.territories import search_documents
from territoires.territories.models import RegistryImport


@retried_task()
def index_territories(import_id: int) -> int:
    """Index every territory's search document again after an import, then record that
    it was done: an import killed before this ends is indexed by the next run."""
    written = search.reindex([search_documents.KIND])
    RegistryImport.objects.filter(pk=import_id).update(indexed=True)
    return written
