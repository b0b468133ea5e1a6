"""Every write of organisations, people and relations: one atomic function per use case."""

import copy
from dataclasses import dataclass, field

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from territoires.actors import officials, selectors, tabular, tasks
from territoires.actors.enums import OrganisationKind, RelationKind
from territoires.actors.models import Category, Organisation, Person, Relation
from territoires.core import editing
from territoires.core.enums import TeamRole
from territoires.territories import cog
from territoires.territories.enums import TerritoryKind
from territoires.territories.models import Territory
from territoires.territories.normalize import search_key


@transaction.atomic
def save_organisation(
    organisation: Organisation, *, territory=None, by=None, read_version: int | None = None
) -> Organisation:
    """Create or change an organisation (validated whole); a new one made from a
    territory's page acts in that territory. StaleEdit, nothing written, when it changed
    since `read_version`."""
    editing.claim(organisation, read_version)
    organisation.full_clean()
    organisation.save()
    if territory is not None:
        organisation.territories.add(territory)
    return organisation


@transaction.atomic
def add_category(category: Category, *, by=None) -> Category:
    """A category added to the shared vocabulary: a code made from its name (unique), and
    its place after its parent's last sub-category, or after the last top-level one."""
    twin = Category.objects.filter(parent=category.parent_id, name__iexact=category.name.strip())
    if twin.exists():
        raise ValidationError({"name": _("Cette catégorie existe déjà à cet endroit.")})
    base = slugify(category.name)[:50] or "categorie"
    slug, number = base, 2
    while Category.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    category.slug = slug
    if category.parent_id:
        siblings = Category.objects.filter(parent=category.parent_id)
        last = siblings.aggregate(last=Max("order"))["last"]
        category.order = max(last or 0, category.parent.order) + 1
    else:
        last = Category.objects.filter(parent=None).aggregate(last=Max("order"))["last"] or 0
        category.order = (last // 100 + 1) * 100
    category.full_clean()
    category.save()
    return category


@transaction.atomic
def save_person(person: Person, *, by=None) -> Person:
    if person.pk is None and by is not None and by.is_authenticated:
        person.created_by = by
    person.full_clean()
    person.save()
    return person


@transaction.atomic
def delete_person(person: Person, *, by=None) -> None:
    person.delete()


@transaction.atomic
def delete_relation(relation: Relation, *, by=None) -> None:
    relation.delete()


@transaction.atomic
def save_relation(relation: Relation, *, by=None) -> Relation:
    relation.full_clean()
    relation.save()
    return relation


# --- Files in and out (CSV, actors/tabular.py) ----------------------------------------

# A file of the import, as tabular.py labels its problems, and how the page names it.
IMPORT_FILES = {
    "organisations": gettext_lazy("organisations"),
    "personnes": gettext_lazy("personnes"),
    "relations": gettext_lazy("relations"),
}
# Territory codes of a file, read in this order when a code names several (a département
# and a région may share two digits: the département wins).
TERRITORY_KIND_ORDER = (
    TerritoryKind.COMMUNE,
    TerritoryKind.EPCI,
    TerritoryKind.DEPARTEMENT,
    TerritoryKind.REGION,
)


@dataclass(frozen=True)
class ImportProblem:
    file: str  # organisations, personnes, relations
    line: int
    column: str
    message: str

    @property
    def file_label(self):
        return IMPORT_FILES.get(self.file, self.file)


@dataclass
class ImportReport:
    """What an import did, per file: created, updated, unchanged; or its problems, and
    then nothing was written."""

    problems: list[ImportProblem] = field(default_factory=list)
    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(IMPORT_FILES, 0))
    updated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(IMPORT_FILES, 0))
    unchanged: dict[str, int] = field(default_factory=lambda: dict.fromkeys(IMPORT_FILES, 0))

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())


def import_vocabularies() -> dict:
    """The values the files may hold: codes and their French labels."""
    with translation.override("fr"):
        return {
            "categories": dict(Category.objects.values_list("slug", "name")),
            "organisation_kinds": {code: str(label) for code, label in OrganisationKind.choices},
            "team_roles": {code: str(label) for code, label in TeamRole.choices},
            "relation_kinds": {code: str(label) for code, label in RelationKind.choices},
        }


class _Problems(list):
    def add(self, file, line, column, message):
        self.append(ImportProblem(file, line, column, str(message)))


def _territories_by_code(codes) -> dict[str, Territory]:
    found: dict[str, Territory] = {}
    candidates = Territory.objects.filter(code__in=codes, kind__in=TERRITORY_KIND_ORDER)
    for territory in sorted(candidates, key=lambda t: TERRITORY_KIND_ORDER.index(t.kind)):
        found.setdefault(territory.code, territory)
    return found


def _match_organisation(row, by_siren, by_siret, in_territory):
    """An existing organisation for the row: the same SIRET, else the same SIREN (the one
    of the same name when several share it), else the same name in the territory (one
    with no SIREN or the same)."""
    siren = row.siren or row.siret[:9]
    key = search_key(row.name)
    if row.siret and row.siret in by_siret:
        return by_siret[row.siret][0]
    if siren and siren in by_siren:
        candidates = by_siren[siren]
        same_name = [o for o in candidates if search_key(o.name) == key]
        return (same_name or candidates)[0]
    for organisation in in_territory.get(key, []):
        if not organisation.siren or organisation.siren == siren or not siren:
            return organisation
    return None


def _chunks(values, size=5000):
    for first in range(0, len(values), size):
        yield values[first : first + size]


ORGANISATION_FIELDS = ("name", "kind", "category_id", "siren", "siret", "website")
ORGANISATION_FIELDS += ("description", "source")
PERSON_FIELDS = ("name", "consent_to_name", "role", "role_public", "team_role", "email")
PERSON_FIELDS += ("email_public", "phone", "phone_public")


def _values(instance, names):
    return tuple(getattr(instance, name) for name in names)


def _clean(instance, problems, file, line, columns):
    """Django's own checks on a row made into a model; an error names the column."""
    try:
        instance.full_clean(
            # Links are checked by the import itself: no query per row.
            exclude=[
                "organisation",
                "category",
                "successor",
                "created_by",
            ],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                problems.add(file, line, columns.get(name, ""), message)
        return False
    return True


ORGANISATION_COLUMNS = {
    "name": "nom",
    "kind": "type",
    "category": "catégorie",
    "siren": "siren",
    "siret": "siret",
    "website": "site web",
    "description": "description",
    "source": "source",
}
PERSON_COLUMNS = {
    "name": "nom",
    "role": "fonction",
    "team_role": "rôle d'équipe",
    "email": "courriel",
    "phone": "téléphone",
}


_TRACKED: dict = {}


def _tracked_fields(model):
    """The fields the history keeps of a model (history.py's include and exclude)."""
    if model not in _TRACKED:
        options = auditlog.get_model_fields(model)
        _TRACKED[model] = [
            model_field
            for model_field in model._meta.concrete_fields
            if model_field.name not in options["exclude_fields"]
            and (not options["include_fields"] or model_field.name in options["include_fields"])
        ]
    return _TRACKED[model]


def _changes(old, new) -> dict:
    """auditlog's changes (field: [before, after], as text), without its per-field cost."""
    changes = {}
    for model_field in _tracked_fields(type(new)):
        before = None if old is None else getattr(old, model_field.attname)
        after = getattr(new, model_field.attname)
        if before != after:
            changes[model_field.name] = [
                "None" if before is None else str(before),
                "None" if after is None else str(after),
            ]
    return changes


def _log_entries(created, updated, *, territory, by):
    """The history of a bulk write (history.py follows saves one by one): one entry per
    row created or changed, people without their personal fields. Inserted with one
    statement per 500 entries: the ORM's `bulk_create` would cost, per entry and field,
    more than the import's own rows."""
    actor_id = by.pk if by is not None and by.is_authenticated else None
    meta = LogEntry._meta
    columns = ["content_type", "object_pk", "object_id", "object_repr", "action"]
    columns += ["changes_text", "changes", "actor", "timestamp", "additional_data"]
    model_fields = [meta.get_field(name) for name in columns]
    changes_field = meta.get_field("changes")
    now = meta.get_field("timestamp").get_db_prep_save(timezone.now(), connection)
    additional = meta.get_field("additional_data").get_db_prep_save(
        {"territory": territory.pk}, connection
    )
    # A relation's label names its kind: translated once here, not once per row.
    kinds = {value: str(label) for value, label in RelationKind.choices}
    rows = []
    for action, pairs in ((LogEntry.Action.CREATE, created), (LogEntry.Action.UPDATE, updated)):
        for old, new in pairs:
            changes = _changes(old, new)
            if not changes:
                continue
            content_type = ContentType.objects.get_for_model(new)
            # A third person: their kind and number only.
            personal = isinstance(new, Person)
            if personal:
                label = f"{content_type.name} n° {new.pk}"
            elif isinstance(new, Relation):
                label = f"{new.source_organisation} {kinds[new.kind]} {new.target_organisation}"
            else:
                label = str(new)
            rows.append(
                (
                    content_type.pk,
                    str(new.pk),
                    new.pk,
                    label,
                    action,
                    "",
                    changes_field.get_db_prep_save(changes, connection),
                    actor_id,
                    now,
                    additional,
                )
            )
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(meta.db_table),
        ", ".join(quote(model_field.column) for model_field in model_fields),
        ", ".join(["%s"] * len(model_fields)),
    )
    with connection.cursor() as cursor:
        for first in range(0, len(rows), 500):
            cursor.executemany(sql, rows[first : first + 500])


def _may_change(by, organisation) -> bool:
    """Whether the importing person may change an organisation a line matched (by its
    SIREN, possibly one of another territory); anyone when no person is named (commands)."""
    return by is None or by.has_perm(selectors.EDIT_ORGANISATION, organisation)


@transaction.atomic
def import_actors(territory, files: dict[str, bytes | None], *, by=None) -> ImportReport:
    """Organisations, people and relations of a territory from CSV files (any of
    `organisations`, `personnes`, `relations`), all or nothing.

    An organisation of a file is the existing one with its SIRET, else its SIREN, else its
    name in the territory (`search_key`: case, accents, punctuation); a person is the one
    of the same name in that organisation; a relation the one with the same ends, kind and
    dates. An empty cell leaves what is known; a known row the file does not change is
    counted unchanged, so that importing a file twice changes nothing the second time.
    Every imported organisation acts in the territory, and in the territories its line
    names. Any problem: nothing is written, every problem comes back."""
    report = ImportReport()
    problems = _Problems()
    for name, data in files.items():
        # No database keeps the NUL character in text (PostgreSQL refuses it).
        if data and (index := data.find(b"\x00")) >= 0:
            problems.add(
                name,
                data.count(b"\n", 0, index) + 1,
                "",
                _(
                    "Caractère nul dans la ligne : le fichier n'est pas un CSV en UTF-8 ou "
                    "Windows-1252 ; enregistrez-le de nouveau au format « CSV UTF-8 »."
                ),
            )
    if problems:
        report.problems = problems
        return report
    known = list(Organisation.objects.in_territory(territory).order_by("pk"))
    parsed = tabular.parse_import(
        organisations=files.get("organisations"),
        people=files.get("personnes"),
        relations=files.get("relations"),
        known_organisations=[organisation.name for organisation in known],
        territories=None,
        **import_vocabularies(),
    )
    for problem in parsed.problems:
        problems.add(problem.file, problem.line, problem.column, problem.french)
    if problems:
        report.problems = problems
        return report

    # Organisations: match, then apply what the cells say.
    sirens = {row.siren or row.siret[:9] for row in parsed.organisations} - {""}
    sirets = {row.siret for row in parsed.organisations} - {""}
    by_siren, by_siret, in_territory = {}, {}, {}
    canonical = {organisation.pk: organisation for organisation in known}
    with_numbers = {}
    for chunk in _chunks(sorted(sirens)):  # within any database's count of parameters
        with_numbers.update((o.pk, o) for o in Organisation.objects.filter(siren__in=chunk))
    for chunk in _chunks(sorted(sirets)):
        with_numbers.update((o.pk, o) for o in Organisation.objects.filter(siret__in=chunk))
    for pk in sorted(with_numbers):
        organisation = canonical.get(pk, with_numbers[pk])
        by_siren.setdefault(organisation.siren, []).append(organisation)
        by_siret.setdefault(organisation.siret, []).append(organisation)
    for organisation in known:
        in_territory.setdefault(search_key(organisation.name), []).append(organisation)
    codes = {code for row in parsed.organisations for code in row.territories}
    territories = _territories_by_code(codes)
    # A line registers its organisation only where the importing person's team is: the
    # other territories' teams answer for theirs.
    foreign_places = {
        code
        for code, place in territories.items()
        if by is not None and place != territory and not by.has_perm("actors.edit_actors", place)
    }
    category_ids = dict(Category.objects.values_list("slug", "pk"))
    Through = Organisation.territories.through
    linked = set()
    for chunk in _chunks(sorted({*with_numbers, *canonical})):
        linked.update(
            Through.objects.filter(organisation__in=chunk).values_list(
                "organisation_id", "territory_id"
            )
        )

    by_name: dict[str, Organisation] = {
        tabular.name_key(organisation.name): organisation for organisation in known
    }
    matched_lines: dict[int, int] = {}  # organisation pk -> line
    new_organisations, changed_organisations, links = [], [], []
    for row in parsed.organisations:
        organisation = _match_organisation(row, by_siren, by_siret, in_territory)
        if organisation is not None:
            # People and relations of the files name it by this line's spelling.
            by_name[tabular.name_key(row.name)] = organisation
            if organisation.pk in matched_lines:
                problems.add(
                    "organisations",
                    row.line,
                    "nom",
                    _("Même organisation que la ligne %(other)s (même SIREN ou même nom).")
                    % {"other": matched_lines[organisation.pk]},
                )
                continue
            matched_lines[organisation.pk] = row.line
            old = copy.copy(organisation)
        else:
            organisation, old = Organisation(kind=OrganisationKind.OTHER), None
            by_name[tabular.name_key(row.name)] = organisation
        organisation.name = row.name
        for attribute in ("kind", "siren", "siret", "website", "description", "source"):
            value = getattr(row, attribute)
            if value:
                setattr(organisation, attribute, value)
        if row.siret and not row.siren and not organisation.siren:
            organisation.siren = row.siret[:9]
        if row.category:
            organisation.category_id = category_ids[row.category]
        missing = [code for code in row.territories if code not in territories]
        for code in missing:
            problems.add(
                "organisations",
                row.line,
                "territoires",
                _("Territoire « %(code)s » inconnu.") % {"code": code},
            )
        for code in row.territories:
            if code in foreign_places:
                problems.add(
                    "organisations",
                    row.line,
                    "territoires",
                    _(
                        "Vous ne pouvez pas inscrire d'acteurs dans « %(name)s » : seule son "
                        "équipe le peut."
                    )
                    % {"name": territories[code].name},
                )
        # What the database holds already was validated when written.
        same = old is not None and (
            _values(old, ORGANISATION_FIELDS) == _values(organisation, ORGANISATION_FIELDS)
        )
        # One of the territory's own the importer may change (the page asks edit_actors).
        outside = old is not None and old.pk not in canonical
        if not same and outside and not _may_change(by, old):
            problems.add(
                "organisations",
                row.line,
                "nom",
                _(
                    "« %(name)s » (même SIREN) est tenue par l'équipe d'un autre territoire : "
                    "vous pouvez l'inscrire dans le vôtre, pas la modifier."
                )
                % {"name": old.name},
            )
            continue
        if (
            missing
            or foreign_places.intersection(row.territories)
            or not (
                same
                or _clean(organisation, problems, "organisations", row.line, ORGANISATION_COLUMNS)
            )
        ):
            continue
        acts_in = [territory, *(territories[code] for code in row.territories)]
        links.append((organisation, acts_in))
        if old is None:
            new_organisations.append(organisation)
        elif not same or any((organisation.pk, place.pk) not in linked for place in acts_in):
            # Registered in a territory where it was not: a change too.
            changed_organisations.append((old, organisation))
        else:
            report.unchanged["organisations"] += 1

    # People, by name within their organisation.
    organisations_of_people = {
        by_name[tabular.name_key(row.organisation)].pk for row in parsed.people
    } - {None}
    existing_people = {}
    for chunk in _chunks(sorted(organisations_of_people)):
        for person in Person.objects.filter(organisation__in=chunk).order_by("pk"):
            existing_people.setdefault((person.organisation_id, search_key(person.name)), person)
    seen_people: dict[tuple, int] = {}
    new_people, changed_people = [], []
    for row in parsed.people:
        organisation = by_name[tabular.name_key(row.organisation)]
        key = (id(organisation), search_key(row.name))
        if key in seen_people:
            problems.add(
                "personnes",
                row.line,
                "nom",
                _("Personne déjà présente ligne %(other)s dans cette organisation.")
                % {"other": seen_people[key]},
            )
            continue
        seen_people[key] = row.line
        person = existing_people.get((organisation.pk, search_key(row.name)))
        old = copy.copy(person) if person is not None else None
        if person is None:
            person = Person(organisation=organisation)
            if by is not None and by.is_authenticated:
                person.created_by = by
        person.name, person.role = row.name, row.role
        person.consent_to_name, person.role_public = row.name_public, row.role_public
        person.email_public, person.phone_public = row.email_public, row.phone_public
        for attribute in ("team_role", "email", "phone"):
            if getattr(row, attribute):
                setattr(person, attribute, getattr(row, attribute))
        same = old is not None and _values(old, PERSON_FIELDS) == _values(person, PERSON_FIELDS)
        if not (same or _clean(person, problems, "personnes", row.line, PERSON_COLUMNS)):
            continue
        if old is None:
            new_people.append(person)
        elif not same:
            changed_people.append((old, person))
        else:
            report.unchanged["personnes"] += 1

    # Relations, by their ends, kind and dates.
    ends = {by_name[tabular.name_key(row.source)].pk for row in parsed.relations} - {None}
    existing_relations = {
        (r.source_organisation_id, r.kind, r.target_organisation_id, r.started_on, r.ended_on): r
        for chunk in _chunks(sorted(ends))
        for r in Relation.objects.filter(source_organisation__in=chunk).order_by("-pk")
    }
    new_relations, changed_relations = [], []
    for row in parsed.relations:
        source = by_name[tabular.name_key(row.source)]
        target = by_name[tabular.name_key(row.target)]
        if source is target:
            problems.add("relations", row.line, "cible", tabular.FRENCH["same_organisation"])
            continue
        relation = existing_relations.get(
            (source.pk, row.kind, target.pk, row.started_on, row.ended_on)
        )
        if source.pk is None or target.pk is None or relation is None:
            relation = Relation(
                source_organisation=source,
                kind=row.kind,
                target_organisation=target,
                started_on=row.started_on,
                ended_on=row.ended_on,
                source=row.information_source,
            )
            new_relations.append(relation)
        elif relation.source != row.information_source:
            old = copy.copy(relation)
            relation.source = row.information_source
            changed_relations.append((old, relation))
        else:
            report.unchanged["relations"] += 1

    if problems:
        report.problems = sorted(problems, key=lambda p: (list(IMPORT_FILES).index(p.file), p.line))
        return report

    # Everything checked: write.
    now = timezone.now()
    for _old, organisation in changed_organisations:
        # A form read before the import is then refused, as after any other save.
        organisation.updated_at, organisation.edit_version = now, organisation.edit_version + 1
    Organisation.objects.bulk_create(new_organisations, batch_size=500)
    Organisation.objects.bulk_update(
        [new for _old, new in changed_organisations],
        [*ORGANISATION_FIELDS, "updated_at", "edit_version"],
        batch_size=500,
    )
    pairs = {(o.pk, t.pk) for o, ts in links for t in ts}
    Through.objects.bulk_create(
        [Through(organisation_id=o, territory_id=t) for o, t in sorted(pairs - linked)],
        batch_size=500,
    )
    for person in new_people:
        person.organisation = person.organisation  # the organisation's new pk
    Person.objects.bulk_create(new_people, batch_size=500)
    Person.objects.bulk_update([new for _old, new in changed_people], PERSON_FIELDS, 500)
    for relation in new_relations:
        relation.source_organisation = relation.source_organisation
        relation.target_organisation = relation.target_organisation
    Relation.objects.bulk_create(new_relations, batch_size=500)
    Relation.objects.bulk_update([new for _old, new in changed_relations], ["source"], 500)
    _log_entries(
        [(None, o) for o in [*new_organisations, *new_people, *new_relations]],
        [*changed_organisations, *changed_people, *changed_relations],
        territory=territory,
        by=by,
    )
    touched = {o.pk for o in new_organisations} | {new.pk for _o, new in changed_organisations}
    touched |= {o for o, _t in pairs - linked}
    if touched:
        pks = sorted(touched)
        transaction.on_commit(lambda: tasks.index_organisations.enqueue(pks))

    report.created.update(
        organisations=len(new_organisations),
        personnes=len(new_people),
        relations=len(new_relations),
    )
    report.updated.update(
        organisations=len(changed_organisations),
        personnes=len(changed_people),
        relations=len(changed_relations),
    )
    return report


def export_rows(territory, *, with_private: bool):
    """The territory's organisations, their people and relations as tabular.py's rows (its
    team's list: `selectors.team_organisations`). People's private fields only
    `with_private` (the team); otherwise people who did not consent to be named are left
    out, and their e-mail and phone unless public."""
    organisations = list(selectors.team_organisations(territory).prefetch_related("territories"))
    organisation_rows = [
        tabular.OrganisationRow(
            name=o.name,
            category=o.category.slug if o.category_id else "",
            kind=o.kind,
            siren=o.siren,
            siret=o.siret,
            website=o.website,
            description=o.description,
            territories=tuple(sorted(t.code for t in o.territories.all())),
            source=o.source,
        )
        for o in organisations
    ]
    people_rows = [
        tabular.PersonRow(
            name=p.name,
            organisation=o.name,
            role=p.role if with_private or p.role_public else "",
            team_role=p.team_role,
            email=p.email if with_private or p.email_public else "",
            phone=p.phone if with_private or p.phone_public else "",
            name_public=p.consent_to_name,
            role_public=p.role_public,
            email_public=p.email_public,
            phone_public=p.phone_public,
        )
        for o in organisations
        for p in o.people.all()
        if with_private or p.consent_to_name
    ]
    pks = Organisation.objects.in_territory(territory).values("pk")
    relation_rows = [
        tabular.RelationRow(
            source=r.source_organisation.name,
            kind=r.kind,
            target=r.target_organisation.name,
            started_on=r.started_on,
            ended_on=r.ended_on,
            information_source=r.source,
        )
        for r in Relation.objects.filter(source_organisation__in=pks, target_organisation__in=pks)
        .select_related("source_organisation", "target_organisation")
        .order_by("source_organisation__name", "kind", "target_organisation__name", "pk")
    ]
    return organisation_rows, people_rows, relation_rows


# --- Governance (issue 20) --------------------------------------------------------------


@transaction.atomic
def save_governance(item, *, by=None):
    """Create or change a body, a member, a charter or a signatory, validated whole."""
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def delete_governance(item, *, by=None) -> None:
    """Remove a member of a body or a signatory of a charter."""
    item.delete()


@transaction.atomic
def save_meeting(meeting, decisions, *, by=None):
    """A meeting and its decisions (Decision instances, those with `delete` set are
    removed), all or nothing."""
    meeting.full_clean()
    meeting.save()
    editing.save_inline(decisions, meeting=meeting)
    return meeting


# --- Elected officials from the national register (actors/officials.py) ----------------

REGISTER_NAME = "Répertoire national des élus"


@dataclass
class OfficialsReport:
    """What importing a commune's officials did, to tell the admin who asked for it."""

    organisation: Organisation
    source: str
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    entered: list[str] = field(default_factory=list)  # the team's own entries, left as they are
    unchanged: int = 0


def register_source() -> str:
    return f"{REGISTER_NAME}, {cog.source_version()}"


def local_authorities(territory):
    """The local authorities the team registered in the territory: the commune may be one
    of them already (« Mairie de … »)."""
    return (
        Organisation.objects.in_territory(territory)
        .filter(kind=OrganisationKind.LOCAL_AUTHORITY)
        .order_by("name", "pk")
    )


def officials_holder(territory) -> Organisation | None:
    """The local authority that holds the commune's officials since an earlier import."""
    return local_authorities(territory).filter(people__source__startswith=REGISTER_NAME).first()


def commune_authority(territory, chosen: Organisation | None = None) -> Organisation:
    """Where the commune's officials go: the organisation the admin chose, else the one
    that holds them since an earlier import, else « Commune de … » (made the first time)."""
    if chosen is not None:
        return chosen
    name = f"Commune de {territory.name}"  # data, in French whatever the admin's language
    organisation = (
        officials_holder(territory) or local_authorities(territory).filter(name=name).first()
    )
    if organisation is None:
        organisation = Organisation.objects.create(
            name=name, kind=OrganisationKind.LOCAL_AUTHORITY, source=register_source()
        )
        organisation.territories.add(territory)
    return organisation


def registered_officials(territory, directory=None) -> list[officials.Official]:
    """The commune's officials in the register (ValidationError for another kind of
    territory, or a register the package does not hold as expected)."""
    if territory.kind != TerritoryKind.COMMUNE:
        raise ValidationError(_("Le répertoire des élus municipaux ne concerne que les communes."))
    try:
        return officials.officials_of(directory or cog.default_source_dir(), territory.code)
    except officials.RegisterError as error:
        raise ValidationError(str(error)) from None


@transaction.atomic
def import_elected_officials(
    territory,
    found: list[officials.Official],
    *,
    show_names: bool,
    organisation: Organisation | None = None,
    by=None,
) -> OfficialsReport:
    """Bring the commune's elected officials `found` in the register (registered_officials)
    in, asked for by an admin, into `organisation` (commune_authority): their name, function
    and its start date, the register's version as the source. Run again, it refreshes them
    and says what changed. People the team entered are never touched: an official of the
    same name (case and accents aside) is left to the team's entry, and said so."""
    if not found:
        raise ValidationError(_("Le répertoire ne compte aucun élu pour cette commune."))
    organisation = commune_authority(territory, organisation)
    source = register_source()
    report = OfficialsReport(organisation, source)
    people = list(organisation.people.all())
    kept = {person.name: person for person in people if person.source.startswith(REGISTER_NAME)}
    entered = {
        tabular.name_key(person.name)
        for person in people
        if not person.source.startswith(REGISTER_NAME)
    }
    for official in found:
        person = kept.pop(official.name, None)
        if person is None and tabular.name_key(official.name) in entered:
            report.entered.append(f"{official.name}, {official.role}")
            continue
        if person is None:
            Person.objects.create(
                organisation=organisation,
                name=official.name,
                consent_to_name=show_names,
                role=official.role,
                team_role=TeamRole.ELECTED,
                since=official.since,
                source=source,
                created_by=by if by is not None and by.is_authenticated else None,
            )
            report.added.append(f"{official.name}, {official.role}")
            continue
        before = (person.role, person.since)
        if before != (official.role, official.since):
            report.changed.append(
                _("%(name)s : %(before)s → %(after)s")
                % {"name": official.name, "before": person.role, "after": official.role}
                if person.role != official.role
                else _("%(name)s : en fonction depuis le %(date)s")
                % {"name": official.name, "date": f"{official.since:%d/%m/%Y}"}
            )
        else:
            report.unchanged += 1
        person.role, person.since, person.source = official.role, official.since, source
        person.consent_to_name = show_names
        person.save()
    for person in kept.values():
        report.removed.append(f"{person.name}, {person.role}")
        person.delete()
    return report


# --- Chains of actors --------------------------------------------------------------------


@transaction.atomic
def save_chain(chain, links, *, by=None):
    """A chain and its links (ChainLink instances, those with `delete` set are removed), all
    or nothing; a link's organisation must act in the chain's territory."""
    chain.full_clean()
    chain.save()
    members = Organisation.objects.in_territory(chain.territory)
    for link, delete in links:
        foreign = link.organisation_id and not members.filter(pk=link.organisation_id).exists()
        if foreign and not delete:
            raise ValidationError(
                _("« %(name)s » n'agit pas dans le territoire.") % {"name": link.organisation}
            )
    editing.save_inline(links, chain=chain)
    return chain


@transaction.atomic
def delete_chain(chain, *, by=None) -> None:
    chain.delete()
