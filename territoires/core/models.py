from django.db import connections, models
from django.db.models.signals import post_migrate
from django.dispatch import receiver


class SearchDocumentQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def with_value(self, field: str, value: str):
        """Documents whose multi-valued `field` ("|a|b|") holds `value`."""
        return self.filter(**{f"{field}__contains": f"|{value}|"})


class SearchDocument(models.Model):
    """What the search engine knows of an initiative, a verbatim or a territory.

    Written by `territoires.core.search.index_documents`, read by `search.search`. The
    full-text index follows every write by itself (database triggers, on both databases;
    see docs/search.md): on SQLite an FTS5 table over the `analyzed_*` columns of the
    published documents, on PostgreSQL a `search_vector` column computed from title and
    body (not declared here: Django never reads or writes it).

    Small columns come first: SQLite then reads the facets of a row without walking
    through the overflow pages of its body.
    """

    class Kind(models.TextChoices):
        # Labels (and verbose names) come with the French catalogue, in the views.
        INITIATIVE = "initiative"
        VERBATIM = "verbatim"
        TERRITORY = "territory"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.BigIntegerField()
    published = models.BooleanField(default=False, db_index=True)

    territory = models.ForeignKey(
        "territories.Territory", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    territory_kind = models.CharField(max_length=20, blank=True)
    region_code = models.CharField(max_length=10, blank=True)
    population_band = models.CharField(max_length=20, blank=True)
    # Multi-valued facets, "|energie|mobilite|": `contains="|energie|"` filters on both DBs.
    themes = models.CharField(max_length=500, blank=True)
    levers = models.CharField(max_length=500, blank=True)
    fundamentals = models.CharField(max_length=500, blank=True)
    start_year = models.PositiveSmallIntegerField(null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(null=True, blank=True)
    # Orders documents when no text ranks them, and breaks ties: a territory's population.
    popularity = models.BigIntegerField(default=0)
    # text.title_key(title): a search whose words are exactly the title ranks it first.
    title_key = models.BigIntegerField(default=0)

    title = models.CharField(max_length=500)
    url = models.CharField(max_length=500, blank=True)
    body = models.TextField(blank=True)
    # Space-separated stems (territoires.core.text.analyze): the content of the SQLite FTS5
    # index. Left empty on PostgreSQL, which analyses title and body itself.
    analyzed_title = models.TextField(blank=True, editable=False)
    analyzed_body = models.TextField(blank=True, editable=False)

    objects = SearchDocumentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"], name="searchdocument_unique_kind_object"
            ),
        ]
        indexes = [
            # Browsing without text: most popular first, then by title.
            models.Index(
                fields=["published", "-popularity", "title"], name="searchdocument_browse"
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id}: {self.title}"


class SearchIndexState(models.Model):
    """One row whose `version` changes at every write to the search documents.

    Database triggers change it (see the migrations), so that facet counts can be cached
    under it in every process, whatever wrote the documents. It is a random number, not a
    counter: a version seen before a rollback never comes back with other contents.
    """

    version = models.BigIntegerField(default=0)

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
