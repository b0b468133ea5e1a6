"""The commons' use cases: every write of the views, the API and the demo goes through one
of these, in one transaction; the search index (search_documents.py) and the files follow
once it is committed.
"""

import uuid

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from territoires.core import editing, media, workflows
from territoires.initiatives import tasks
from territoires.initiatives.models import (
    Initiative,
    InitiativeResult,
    KeyFigure,
    Milestone,
    Photo,
    PhotoUpload,
    Portrait,
    Theme,
    Verbatim,
    Video,
)

# --- Initiatives ----------------------------------------------------------------------------


def unique_slug(title: str, exclude_pk=None) -> str:
    base = slugify(title)[:200] or "initiative"
    slug, counter = base, 2
    while Initiative.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


@transaction.atomic
def save_initiative(
    initiative: Initiative,
    *,
    themes=None,
    state: str | None = None,
    related=(),
    result: dict | None = None,
    by=None,
    read_version: int | None = None,
) -> Initiative:
    """Create or update an initiative with its themes, its related rows (`related`: bound,
    valid inline formsets of contacts and resources) and a new result; then bring it to
    `state` by its workflow (WorkflowError, nothing written, if that is not allowed).
    StaleEdit, nothing written, when it changed since `read_version`."""
    editing.claim(initiative, read_version)
    if not initiative.slug:
        initiative.slug = unique_slug(initiative.title, exclude_pk=initiative.pk)
    if initiative.author_id is None and by is not None:
        initiative.author = by
    initiative.full_clean(exclude=["slug", "state"])
    initiative.save()
    if themes is not None:
        initiative.themes.set(themes)
    for formset in related:
        formset.instance = initiative
        formset.save()
    if result:
        InitiativeResult.objects.create(initiative=initiative, **result)
    if state is not None:
        workflows.fire_to(initiative, state, by=by)
    return initiative


# --- Words ----------------------------------------------------------------------------------


@transaction.atomic
def save_verbatim(verbatim: Verbatim, *, state: str | None = None, by=None) -> Verbatim:
    if verbatim.author_id is None and by is not None:
        verbatim.author = by
    if not verbatim.consent_to_name:
        verbatim.speaker_name = ""  # without consent the name is not kept at all
    verbatim.full_clean(exclude=["state"])
    verbatim.save()
    if state is not None:
        workflows.fire_to(verbatim, state, by=by)
    return verbatim


@transaction.atomic
def delete_verbatim(verbatim: Verbatim):
    verbatim.delete()


# --- Portrait: presentation, photo, key figures, videos -----------------------------------


def _portrait_for_update(territory) -> Portrait:
    """The territory's portrait, locked until the transaction ends (made if it had none)."""
    portrait, _created = Portrait.objects.select_for_update().get_or_create(territory=territory)
    return portrait


@transaction.atomic
def set_presentation(
    territory, text: str, *, source: str | None = None, read_version: int | None = None
) -> Portrait:
    """The territory's presentation. With a `source`, a text that comes from it (the demo's
    seeds, an import); without, the team's own text, of today: the source of the text it
    replaces no longer applies (the history keeps it). StaleEdit, nothing written, when it
    changed since `read_version`."""
    portrait = Portrait.objects.filter(territory=territory).first() or Portrait(territory=territory)
    editing.claim(portrait, read_version)
    portrait.presentation = text.strip()
    if source is None:
        portrait.source, portrait.presentation_edited_at = "", timezone.now()
    else:
        portrait.source, portrait.presentation_edited_at = source, None
    portrait.save()
    return portrait


@transaction.atomic
def set_hero_photo(territory, data: bytes, *, alt: str, credit: str, caption: str = "") -> Portrait:
    """A new large photograph for the portrait (MediaError if the file is refused); the
    one it replaces is deleted with its files."""
    photo = save_photo(data, alt=alt, credit=credit, caption=caption, territory=territory)
    portrait = _portrait_for_update(territory)
    previous = portrait.hero_photo
    portrait.hero_photo = photo
    portrait.save()
    if previous is not None:
        discard_photo(previous)
    return portrait


@transaction.atomic
def add_key_figure(figure: KeyFigure) -> KeyFigure:
    figure.full_clean()
    figure.save()
    return figure


@transaction.atomic
def delete_key_figure(figure: KeyFigure):
    figure.delete()


@transaction.atomic
def add_video(url: str, *, title: str, credit="", territory=None, initiative=None) -> Video:
    """A YouTube, Vimeo or PeerTube video (MediaError if the address is not one)."""
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


@transaction.atomic
def delete_video(video: Video):
    video.delete()


# --- Photos ---------------------------------------------------------------------------------


@transaction.atomic
def save_photo(
    data: bytes, *, alt: str, credit: str, caption="", territory=None, initiative=None
) -> Photo:
    """A photo from an upload (MediaError if it is refused); its variants, stripped of
    every metadata, are made in the background once the transaction is committed."""
    info = media.inspect_photo(data)
    photo = Photo.objects.create(
        territory=territory,
        initiative=initiative,
        alt=alt,
        credit=credit,
        caption=caption,
        width=info.width,
        height=info.height,
    )
    PhotoUpload.objects.create(photo=photo, data=data)
    transaction.on_commit(lambda: tasks.make_photo_variants.enqueue(photo.pk))
    return photo


@transaction.atomic
def store_photo_variants(photo_id: int, processed: media.ProcessedPhoto) -> Photo | None:
    """Keep the variants made from a photo's upload, which is then forgotten. Written
    before the photo is locked: if another run kept its own first, these files go."""
    names = _stored_variants(processed)
    photo = Photo.objects.select_for_update().filter(pk=photo_id).first()
    if photo is None or photo.is_ready:
        transaction.on_commit(lambda: _delete_files(list(names)))
        return photo
    photo.variants = list(names.values())
    photo.width, photo.height, photo.problem = processed.width, processed.height, ""
    photo.save(update_fields=["variants", "width", "height", "problem"])
    PhotoUpload.objects.filter(photo=photo).delete()
    return photo


def _stored_variants(processed: media.ProcessedPhoto) -> dict[str, dict]:
    folder = f"photos/{uuid.uuid4().hex}"
    stored = {}
    for variant in processed.variants:
        name = default_storage.save(
            f"{folder}/{variant.width}.{variant.format.lower()}", ContentFile(variant.data)
        )
        stored[name] = {
            "width": variant.width,
            "height": variant.height,
            "format": variant.format.lower(),
            "name": name,
        }
    return stored


@transaction.atomic
def refuse_photo(photo_id: int, problem: str):
    """The upload could not be made into variants: say why, forget the file."""
    Photo.objects.filter(pk=photo_id).update(problem=problem[:300])
    PhotoUpload.objects.filter(photo_id=photo_id).delete()


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


# --- Milestones -----------------------------------------------------------------------------


@transaction.atomic
def save_milestone(
    milestone: Milestone,
    *,
    initiatives,
    image: bytes | None = None,
    alt="",
    credit="",
    remove_photo=False,
    state: str | None = None,
    by=None,
    read_version: int | None = None,
) -> Milestone:
    """Save a milestone with the initiatives it links to (of its own territory) and its photo.

    A new ``image`` replaces the photo, ``remove_photo`` removes it; otherwise the photo kept
    takes ``alt`` and ``credit`` when they are given. A replaced or removed photo is deleted.
    Raises ``MediaError`` if the image is not usable, ``ValidationError`` for an initiative of
    another territory, ``WorkflowError`` for a state it may not reach, ``StaleEdit`` when it
    changed since ``read_version``; nothing is written then.
    """
    editing.claim(milestone, read_version)
    if any(initiative.territory_id != milestone.territory_id for initiative in initiatives):
        raise ValidationError(_("Un jalon ne se lie qu'aux initiatives de son territoire."))
    milestone.full_clean(
        exclude=["state"]
    )  # Before the photo is stored: a refused milestone leaves no file.
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
    if state is not None:
        workflows.fire_to(milestone, state, by=by)
    if previous is not None and milestone.photo != previous:
        discard_photo(previous)
    return milestone


@transaction.atomic
def delete_milestone(milestone: Milestone):
    photo = milestone.photo
    milestone.delete()
    if photo is not None:
        discard_photo(photo)


# --- Curation -------------------------------------------------------------------------------


@transaction.atomic
def mark_checked(item: Initiative | Verbatim | Portrait, *, by) -> None:
    """Someone vouches the item is still right, today (the history keeps each check)."""
    item.checked_at, item.checked_by = timezone.now(), by
    item.save(update_fields=["checked_at", "checked_by"])


# --- Vocabulary -----------------------------------------------------------------------------


def ensure_default_themes():
    """The managed vocabulary's starting themes (also seeded by migration 0002)."""
    from territoires.initiatives.enums import DEFAULT_THEMES

    for order, (slug, name) in enumerate(DEFAULT_THEMES):
        Theme.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})
