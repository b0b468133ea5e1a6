"""Background work of the commons."""

from territoires.core import media
from territoires.core.tasks import retried_task
from territoires.initiatives.models import PhotoUpload


@retried_task()
def make_photo_variants(photo_id: int):
    """Make a photo's variants from its upload. Idempotent: nothing to do once they are
    made (or the photo is gone); a file that cannot be made into a photo is not retried,
    the photo says why."""
    from territoires.initiatives import services  # services enqueue this task

    upload = PhotoUpload.objects.filter(photo_id=photo_id).first()
    if upload is None:
        return
    try:
        processed = media.process_photo(bytes(upload.data))
    except media.MediaError as error:
        services.refuse_photo(photo_id, str(error))
        return
    services.store_photo_variants(photo_id, processed)
