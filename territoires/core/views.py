from django.core.files.storage import default_storage
from django.views.decorators.http import require_GET
from django.views.static import serve


@require_GET
def media_file(request, path):
    """An uploaded photo or document, from the local storage (the embedded default).

    Django's `serve` refuses paths leaving the folder (400) and answers 404 for missing files.
    """
    return serve(request, path, document_root=default_storage.location)
