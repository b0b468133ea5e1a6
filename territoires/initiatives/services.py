"""Operations that change the commons, and keep the search index in step with them."""

import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from territoires.core import media, search
from territoires.initiatives.enums import PublicationState
from territoires.initiatives.models import Initiative, Milestone, Photo, Verbatim, Video
from territoires.territories.models import Portrait
from territoires.territories.services import territory_facets

# --- Search documents ------------------------------------------------------------------


def initiative_document(initiative: Initiative) -> search.Document:
    body = " ".join(
        filter(
            None,
            [
                initiative.summary,
                initiative.body,
                initiative.territory.name,
                initiative.tags,
                initiative.programme,
                " ".join(result.text for result in initiative.results.all()),
            ],
        )
    )
    return search.Document(
        kind="initiative",
        object_id=initiative.pk,
        title=initiative.title,
        body=body,
        url=initiative.get_absolute_url(),
        published=initiative.is_published,
        themes=tuple(initiative.themes.values_list("slug", flat=True)),
        levers=tuple(initiative.levers),
        fundamentals=tuple(initiative.fundamentals),
        start_year=initiative.start_year,
        end_year=initiative.end_year,
        **territory_facets(initiative.territory),
    )


def verbatim_document(verbatim: Verbatim) -> search.Document:
    initiative = verbatim.initiative
    return search.Document(
        kind="verbatim",
        object_id=verbatim.pk,
        title=f"{verbatim.speaker} — {verbatim.territory.name}",
        body=" ".join(filter(None, [verbatim.text, verbatim.context])),
        url=f"{verbatim.territory.get_absolute_url()}#verbatim-{verbatim.pk}",
        published=verbatim.is_published,
        themes=tuple(initiative.themes.values_list("slug", flat=True)) if initiative else (),
        start_year=verbatim.said_on.year if verbatim.said_on else None,
        end_year=verbatim.said_on.year if verbatim.said_on else None,
        **territory_facets(verbatim.territory),
    )


def reindex_initiative(initiative: Initiative):
    transaction.on_commit(lambda: search.index_documents([initiative_document(initiative)]))


def reindex_verbatim(verbatim: Verbatim):
    transaction.on_commit(lambda: search.index_documents([verbatim_document(verbatim)]))


def reindex_commons():
    """Every initiative and verbatim (drafts included: the index keeps them unpublished)."""
    initiatives = Initiative.objects.select_related("territory__region").prefetch_related(
        "themes", "results"
    )
    search.index_documents(initiative_document(initiative) for initiative in initiatives)
    verbatims = Verbatim.objects.select_related("territory__region", "initiative")
    search.index_documents(verbatim_document(verbatim) for verbatim in verbatims)


# --- Writes ----------------------------------------------------------------------------


def unique_slug(title: str, exclude_pk=None) -> str:
    base = slugify(title)[:200] or "initiative"
    slug, counter = base, 2
    while Initiative.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


@transaction.atomic
def save_initiative(initiative: Initiative, *, themes=None, by=None) -> Initiative:
    if not initiative.slug:
        initiative.slug = unique_slug(initiative.title, exclude_pk=initiative.pk)
    if initiative.author_id is None and by is not None:
        initiative.author = by
    initiative.full_clean(exclude=["slug"])
    initiative.save()
    if themes is not None:
        initiative.themes.set(themes)
    reindex_initiative(initiative)
    return initiative


@transaction.atomic
def save_verbatim(verbatim: Verbatim, *, by=None) -> Verbatim:
    if verbatim.author_id is None and by is not None:
        verbatim.author = by
    verbatim.full_clean()
    verbatim.save()
    reindex_verbatim(verbatim)
    return verbatim


@transaction.atomic
def delete_indexed(obj: Initiative | Verbatim):
    """Delete an initiative or a verbatim, and its search document once committed."""
    kind, pk = obj._meta.model_name, obj.pk
    obj.delete()
    transaction.on_commit(lambda: search.remove_documents(kind, [pk]))


def save_photo(
    data: bytes, *, alt: str, credit: str, caption="", territory=None, initiative=None
) -> Photo:
    """Resize an upload into its variants (metadata stripped) and store them; MediaError if bad."""
    processed = media.process_photo(data)
    folder = f"photos/{uuid.uuid4().hex}"
    variants = []
    for variant in processed.variants:
        name = default_storage.save(
            f"{folder}/{variant.width}.{variant.format.lower()}", ContentFile(variant.data)
        )
        variants.append(
            {
                "width": variant.width,
                "height": variant.height,
                "format": variant.format.lower(),
                "name": name,
            }
        )
    return Photo.objects.create(
        territory=territory,
        initiative=initiative,
        alt=alt,
        credit=credit,
        caption=caption,
        width=processed.width,
        height=processed.height,
        variants=variants,
    )


def discard_photo(photo: Photo):
    """Delete a photo nothing shows any more, and its files once the deletion is committed."""
    # The admin may point several objects at one photo: keep it while one still shows it.
    if (
        photo.initiative_id is not None
        or Milestone.objects.filter(photo=photo).exists()
        or Portrait.objects.filter(hero_photo=photo).exists()
    ):
        return
    names = [variant["name"] for variant in photo.variants]
    photo.delete()
    transaction.on_commit(lambda: _delete_files(names))


def _delete_files(names):
    for name in names:
        default_storage.delete(name)


@transaction.atomic
def save_milestone(
    milestone: Milestone,
    *,
    initiatives,
    image: bytes | None = None,
    alt="",
    credit="",
    remove_photo=False,
) -> Milestone:
    """Save a milestone with the initiatives it links to (of its own territory) and its photo.

    A new ``image`` replaces the photo, ``remove_photo`` removes it; otherwise the photo kept
    takes ``alt`` and ``credit`` when they are given. A replaced or removed photo is deleted.
    Raises ``MediaError`` if the image is not usable, ``ValidationError`` for an initiative of
    another territory; nothing is written then.
    """
    if any(initiative.territory_id != milestone.territory_id for initiative in initiatives):
        raise ValidationError(_("Un jalon ne se lie qu'aux initiatives de son territoire."))
    milestone.full_clean()  # Before the photo is stored: a refused milestone leaves no file.
    previous = milestone.photo
    if image is not None:
        milestone.photo = save_photo(image, alt=alt, credit=credit, territory=milestone.territory)
    elif remove_photo:
        milestone.photo = None
    elif previous is not None and alt and credit:
        previous.alt, previous.credit = alt, credit
        previous.save(update_fields=["alt", "credit"])
    milestone.save()
    milestone.initiatives.set(initiatives)
    if previous is not None and milestone.photo != previous:
        discard_photo(previous)
    return milestone


@transaction.atomic
def delete_milestone(milestone: Milestone):
    photo = milestone.photo
    milestone.delete()
    if photo is not None:
        discard_photo(photo)


def save_video(url: str, *, title: str, credit="", territory=None, initiative=None) -> Video:
    embed = media.parse_video_url(url)
    return Video.objects.create(
        territory=territory,
        initiative=initiative,
        title=title,
        credit=credit,
        url=embed.watch_url,
        provider=embed.provider,
        host=embed.host,
        embed_url=embed.embed_url,
        watch_url=embed.watch_url,
    )


def publish(obj, state=PublicationState.PUBLISHED):
    obj.state = state
    obj.save(update_fields=["state"])
    if isinstance(obj, Initiative):
        reindex_initiative(obj)
    elif isinstance(obj, Verbatim):
        reindex_verbatim(obj)


def ensure_default_themes():
    """The managed vocabulary's starting themes (also seeded by migration 0002)."""
    from territoires.initiatives.enums import DEFAULT_THEMES
    from territoires.initiatives.models import Theme

    for order, (slug, name) in enumerate(DEFAULT_THEMES):
        Theme.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})
