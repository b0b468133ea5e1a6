"""The commons: initiatives, milestones, photos as phones take them."""

import io

import factory
from PIL import ExifTags, Image

from tests.territories.factories import commune


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "initiatives.Initiative"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Initiative {n}")
    slug = factory.Sequence(lambda n: f"initiative-{n}")
    summary = "Une cantine scolaire 100 % bio approvisionnée par une régie agricole."
    body = "La commune produit des **légumes** pour ses écoles."
    territory = factory.LazyFunction(lambda: commune("06084"))
    state = "draft"

    class Params:
        published = factory.Trait(state="published")

    @factory.post_generation
    def index(obj, create, extracted, **kwargs):
        from territoires.core import search
        from territoires.initiatives.search_documents import initiative_document

        if create:
            search.index_documents([initiative_document(obj)])


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "initiatives.Milestone"

    territory = factory.LazyFunction(lambda: commune("06084"))
    year = 2008
    phase = "past"
    title = factory.Sequence(lambda n: f"Jalon {n}")
    state = "published"


def phone_exif(orientation: int | None = None) -> Image.Exif:
    """EXIF as a phone writes it: the camera, and where the picture was taken."""
    exif = Image.Exif()
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.Make] = "Appareil"
    exif[ExifTags.Base.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (43.0, 36.0, 0.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (6.0, 58.0, 0.0),
    }
    return exif


def jpeg_with_gps() -> bytes:
    """A JPEG as a phone takes it."""
    buffer = io.BytesIO()
    Image.new("RGB", (1200, 800), (30, 120, 80)).save(buffer, "JPEG", exif=phone_exif())
    return buffer.getvalue()
