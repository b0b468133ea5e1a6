from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    """What the search engine knows of a document: an initiative, a territory, any kind
    an app registers (`territoires.core.search.kinds`).

    Written by `territoires.core.search.index_documents`, read by `search.search`. The
    full-text index follows every write by itself (database triggers, on both databases;
    see docs/search.md): on SQLite an FTS5 table over the `analyzed_*` columns of the
    published documents, on PostgreSQL a `search_vector` column computed from title and
    body (not declared here: Django never reads or writes it).

    Facets are stored as "|themes=energie|regions=84|": the search reads them into memory
    (`territoires.core.facets`), never filters on them in SQL. `revision` grows with every
    write, in commit order, so that each process reads only the rows changed since its
    facet table was built. A removed document stays as an unpublished row with no text
    (a tombstone), so that every process learns of its removal.

    Small columns come first: SQLite then reads the facets of a row without walking
    through the overflow pages of its body.
    """

    kind = models.CharField(max_length=20)
    object_id = models.BigIntegerField()
    published = models.BooleanField(default=False, db_index=True)
    # The territory the document belongs to (no foreign key: the ground knows no app).
    territory_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    facets = models.TextField(blank=True)
    start_year = models.PositiveSmallIntegerField(null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(null=True, blank=True)
    # Orders documents when no text ranks them, and breaks ties: a territory's population.
    popularity = models.BigIntegerField(default=0)
    # text.title_key(title): a search whose words are exactly the title ranks it first.
    title_key = models.BigIntegerField(default=0)
    revision = models.BigIntegerField(default=0, db_index=True)

    title = models.CharField(max_length=500)
    url = models.CharField(max_length=500, blank=True)
    body = models.TextField(blank=True)
    # Space-separated stems (territoires.core.text.analyze): the content of the SQLite FTS5
    # index. Left empty on PostgreSQL, which analyses title and body itself.
    analyzed_title = models.TextField(blank=True, editable=False)
    analyzed_body = models.TextField(blank=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"], name="searchdocument_unique_kind_object"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id}: {self.title}"


class SearchIndexState(models.Model):
    """One row: `version` changes at every write to the search documents, `revision` counts
    the writes made through `territoires.core.search`.

    Database triggers change the version (see the migrations), so that the facet table
    can be kept under it in every process, whatever wrote the documents. It is a random
    number, not a counter: a version seen before a rollback never comes back with other
    contents. The revision is taken (row lock, or SQLite's single writer) at the start of
    each write, so revisions follow the order of commits.
    """

    version = models.BigIntegerField(default=0)
    revision = models.BigIntegerField(default=0)

    def __str__(self):
        return f"search index version {self.version}"


@receiver(post_migrate, dispatch_uid="territoires.core.models.restore_search_index")
def restore_search_index(sender, using="default", **kwargs):
    """After migrate (or flush): the index state row, and on SQLite the FTS5 triggers.

    Django rebuilds a SQLite table to alter it, which drops its triggers; a flush empties
    the state table. Both come back here, the FTS5 index rebuilt if it had to be.
    """
    if getattr(sender, "label", None) != "core":
        return
    connection = connections[using]
    tables = connection.introspection.table_names()
    if SearchIndexState._meta.db_table not in tables:
        return  # migrated backwards, or not yet
    SearchIndexState.objects.using(using).get_or_create(pk=1)
    if connection.vendor == "sqlite":
        from territoires.core.search_backends import sqlite

        with connection.cursor() as cursor:
            sqlite.install(cursor)


PLAUSIBLE_YEARS = range(1800, 2101)


def check_dates(instance, *names: str) -> None:
    """Dates people type or import: a year outside 1800 – 2100 is a slip (0001, 9999),
    refused field by field."""
    errors = {
        name: _("Année improbable : choisissez une date entre 1800 et 2100.")
        for name in names
        if getattr(instance, name) and getattr(instance, name).year not in PLAUSIBLE_YEARS
    }
    if errors:
        raise ValidationError(errors)


class EditVersioned(models.Model):
    """A row people edit through forms: `edit_version` grows at every save, so that an edit
    made from a form read before another save is refused instead of silently undoing it
    (`territoires.core.editing`)."""

    edit_version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.edit_version += 1
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "edit_version"}
        super().save(*args, **kwargs)


class Checked(models.Model):
    """Content someone vouches for: when it was last checked and by whom (a territory's
    admin, a curator of the platform). Not checked within `settings.CHECK_MONTHS` of its
    last check (or of its writing, never checked), it is due: « à vérifier »."""

    checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        abstract = True

    def written_at(self):
        """When the content was written, for content never checked."""
        return self.created_at

    @property
    def check_due(self) -> bool:
        since = self.checked_at or self.written_at()
        period = timedelta(days=round(settings.CHECK_MONTHS * 30.44))
        return since is not None and since < timezone.now() - period


class ContentVersion(models.Model):
    """The version of some content, for caches built from it (`territoires.core.versions`)."""

    scope = models.CharField(max_length=30)
    key = models.BigIntegerField()
    version = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="contentversion_unique_key"),
        ]

    def __str__(self):
        return f"{self.scope} {self.key}: {self.version}"
