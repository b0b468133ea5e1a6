"""Personal data: every model that holds some says how it is exported and erased
(core/personal_data.py), and erasing an account leaves no trace of the person.

The first tests find the personal fields themselves, over every installed model — the
project's apps and the third-party ones alike (auth, sessions, admin, django-fsm-log,
django-axes, the task queue…) — so that a new app, or a new field, cannot be forgotten.

The rule: a field is personal when
1. it links to a person's account: a foreign key, one-to-one or many-to-many relation to
   AUTH_USER_MODEL;
2. its type holds a way to reach someone: EmailField, GenericIPAddressField;
3. it holds text (CharField, TextField) and its name says it names someone or reaches
   them: one of the words of its name (split on "_", lower case, accents left out) is in
   PERSON_WORDS (name/nom, e-mail/courriel, phone/téléphone, address/adresse, and a few
   more below);
4. it holds free content that a person writes or uploads, which may say anything about
   anyone: a TextField (or a subclass), a CharField without choices longer than 255
   characters (a paragraph rather than a label), a JSONField, a BinaryField, a FileField.
Besides, the user model is personal as a whole: it must be registered.

A model with personal fields must be registered, and each of its personal fields must be
in its entry's `fields` (exported and erased) or `kept` (left in place by erasure, with
the reason), or in ALLOWED below, with the reason the rule's finding does not concern a
person's account. Generic relations (content type + object id) are not followed: the
entries that hold some (the admin's history, the workflow log) handle them.
"""

import io
import json
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command
from django.db import connection, models
from django.test.utils import isolate_apps
from django.urls import reverse
from django.utils import timezone
from django_fsm_log.models import StateLog

from territoires.accounts import data
from territoires.accounts.models import DELETED_PERSON_EMAIL, Membership, User
from territoires.core import personal_data
from territoires.core.models import SearchDocument
from territoires.core.text import unaccent
from territoires.initiatives import services as commons
from territoires.initiatives.models import Initiative, Verbatim
from tests.accounts.factories import PASSWORD, MembershipFactory, UserFactory

# --- The rule -------------------------------------------------------------------------------

PERSON_WORDS = {
    # who someone is
    *("name", "names", "nom", "noms", "prenom", "prenoms", "firstname", "lastname"),
    *("surname", "username", "pseudo", "pseudonym", "pseudonyme"),
    # who made or said something
    *("author", "auteur", "autrice", "credit", "speaker", "signature"),
    # how to reach someone
    *("email", "emails", "mail", "courriel", "courriels"),
    *("phone", "telephone", "tel", "mobile", "portable", "fax"),
    *("address", "adresse", "street", "rue", "ip"),
}
LONG_TEXT = 255


def _is_the_user_model(model) -> bool:
    label = model if isinstance(model, str) else model and model._meta.label
    return bool(label) and label.lower() == settings.AUTH_USER_MODEL.lower()


def personal_fields(model) -> dict[str, str]:
    """The model's personal fields, by name, each with the part of the rule that found it."""
    found = {}
    for field in [*model._meta.fields, *model._meta.many_to_many]:
        words = set(unaccent(field.name).lower().split("_"))
        if field.is_relation and _is_the_user_model(field.related_model):
            found[field.name] = "links to an account"
        elif isinstance(field, models.EmailField | models.GenericIPAddressField):
            found[field.name] = f"a {type(field).__name__}"
        elif words & PERSON_WORDS and isinstance(field, models.CharField | models.TextField):
            found[field.name] = f"named {field.name}"
        elif isinstance(field, models.TextField | models.JSONField | models.BinaryField):
            found[field.name] = f"free content ({type(field).__name__})"
        elif isinstance(field, models.FileField):
            found[field.name] = f"an uploaded file ({type(field).__name__})"
        elif (
            isinstance(field, models.CharField)
            and not field.choices
            and (field.max_length or 0) > LONG_TEXT
        ):
            found[field.name] = f"free text (CharField of {field.max_length})"
    return found


# Fields the rule flags that no account's export or erasure concerns, each with its reason.
ALLOWED = {
    # Django and third-party apps
    ("auth.Permission", "name"): "a permission's label",
    ("auth.Group", "name"): "a group of permissions' name",
    ("django_tasks_database.DBTaskResult", "args_kwargs"): (
        "tasks are given ids, never personal data (core/tasks.py)"
    ),
    ("django_tasks_database.DBTaskResult", "return_value"): (
        "tasks return counts and ids, never personal data (accounts/tasks.py)"
    ),
    ("django_tasks_database.DBTaskResult", "task_path"): "the task's Python path",
    ("django_tasks_database.DBTaskResult", "queue_name"): "the name of a queue of tasks",
    ("django_tasks_database.DBTaskResult", "backend_name"): "the name of a task backend",
    ("django_tasks_database.DBTaskResult", "worker_ids"): "ids of the worker processes",
    ("django_tasks_database.DBTaskResult", "exception_class_path"): "a Python class path",
    ("django_tasks_database.DBTaskResult", "traceback"): (
        "written by the program from code and ids; tasks are given no personal data"
    ),
    # core: the search index copies published content, which its owners register
    ("core.SearchDocument", "title"): "a copy of a published title, kept in step with it",
    ("core.SearchDocument", "url"): "the address of a published page",
    ("core.SearchDocument", "facets"): "codes of facets (themes, régions…)",
    ("core.SearchDocument", "body"): "a copy of published content, kept in step with it",
    ("core.SearchDocument", "analyzed_title"): "stems of a published title",
    ("core.SearchDocument", "analyzed_body"): "stems of published content",
    # actors: the network's analysis, recomputed when the territory's content changes
    ("actors.NetworkAnalysis", "data"): (
        "organisations' ids, names and metrics, and counts of team roles: no person's data"
    ),
    # actors: a territory's governance, written by its team, attributed to no account (the
    # members are organisations or people, whose data `actors` registers)
    ("actors.GovernanceBody", "name"): "the name of a governance body",
    ("actors.GovernanceBody", "mandate"): "what a body is mandated to do",
    ("actors.Meeting", "minutes"): "a body's minutes, the team's account of a meeting",
    ("actors.Decision", "text"): "a decision taken by a body",
    ("actors.Charter", "summary"): "what a charter commits its signatories to",
    ("actors.Chain", "name"): "the name of a chain of actors",
    # The controversies log: the team's account of a disagreement between organisations
    # (positions are held by organisations, people are never named in it); who wrote what
    # is in the history, whose entries the accounts' registry covers.
    ("controversies.Controversy", "context"): "where a territory's controversy comes from",
    ("controversies.Controversy", "decided"): "what the territory decided about it",
    ("controversies.Controversy", "open_points"): "what stays open in it",
    ("controversies.Controversy", "summary"): "the summary the team publishes",
    ("controversies.Argument", "text"): "an argument of a position held by organisations",
    ("controversies.Venue", "outcome"): "what came out of a meeting or workshop about it",
    # territories: the official registry
    ("territories.Territory", "name"): "a territory's official (or project) name",
    ("territories.TerritoryShape", "wkb"): "a territory's outline",
    # initiatives: the commons, published under the content licence
    ("initiatives.Theme", "name"): "a theme of the commons",
    ("initiatives.Initiative", "territory_note"): "a note on the territory, not on a person",
    ("initiatives.Initiative", "tags"): "keywords of the commons",
    ("initiatives.Initiative", "source"): "where the content comes from (a document, a site)",
    ("initiatives.Initiative", "levers"): "codes of the levers vocabulary",
    ("initiatives.Initiative", "fundamentals"): "codes of the fundamentals vocabulary",
    ("initiatives.InitiativeResult", "text"): "a result of the initiative, in figures or words",
    ("initiatives.InitiativeResult", "source"): "where a figure comes from",
    ("initiatives.InitiativeResource", "document"): "a PDF published with the initiative",
    ("initiatives.Verbatim", "source"): "where the words were published",
    ("initiatives.Photo", "credit"): (
        "the photographer's credit the licence requires, tied to no account"
    ),
    ("initiatives.Photo", "caption"): "what the photo shows, published with it",
    ("initiatives.Photo", "problem"): "why the variants could not be made, in the program's words",
    ("initiatives.Photo", "variants"): "names and sizes of the resized files",
    ("initiatives.PhotoUpload", "data"): (
        "an upload until its variants (metadata stripped) are made, within minutes"
    ),
    ("initiatives.Video", "credit"): "the video's author the licence requires, tied to no account",
    ("initiatives.Milestone", "text"): "a step of the territory's trajectory, by its team",
    ("initiatives.Milestone", "source"): "where the step is documented",
    ("initiatives.Portrait", "presentation"): "the territory's presentation, by its team",
    ("initiatives.Portrait", "source"): "where the presentation comes from",
    ("initiatives.KeyFigure", "source"): "where the figure comes from",
    # actors: organisations are public or legal bodies (their people are registered)
    ("actors.Organisation", "name"): "an organisation's name, a body's, not a person's",
    ("actors.Category", "name"): "a category of the actors' vocabulary",
}


def test_every_model_with_personal_fields_is_registered():
    user_model = get_user_model()
    assert personal_data.holders.get(user_model._meta.label), "the user model is not registered"
    missing = []
    for model in apps.get_models():
        label = model._meta.label
        holder = personal_data.holders.get(label)
        covered = set(holder.fields) | set(holder.kept) if holder else set()
        for name, why in personal_fields(model).items():
            if name not in covered and (label, name) not in ALLOWED:
                missing.append(f"{label}.{name} ({why})")
    assert not missing, (
        "personal fields nobody exports or erases: register the model in "
        "core.personal_data.holders (its app's personal_data.py, called from "
        "AppConfig.ready()) with the field in `fields` or `kept`, or, if the field concerns "
        "no account, add it to ALLOWED with the reason:\n" + "\n".join(missing)
    )


def test_third_party_apps_that_store_people_are_walked_and_registered():
    for label in ("admin.LogEntry", "sessions.Session", "django_fsm_log.StateLog"):
        assert label in personal_data.holders, label
    if apps.is_installed("axes"):
        for model in apps.get_app_config("axes").get_models():
            if personal_fields(model):
                assert model._meta.label in personal_data.holders, model._meta.label


def test_entries_and_allowances_name_real_fields_with_reasons():
    for holder in personal_data.holders:
        names = {
            field.name for field in [*holder.model._meta.fields, *holder.model._meta.many_to_many]
        }
        assert set(holder.fields) | set(holder.kept) <= names, holder.name
        assert all(reason.strip() for reason in holder.kept.values()), holder.name
        assert holder.label and holder.purpose and holder.retention and holder.on_erasure
    for (label, name), reason in ALLOWED.items():
        model = apps.get_model(label)
        assert name in personal_fields(model), f"{label}.{name}: the rule no longer flags it"
        assert reason.strip() and "\n" not in reason, f"{label}.{name}: one line of reason"


def test_the_rule_finds_links_names_contacts_and_free_text():
    with isolate_apps():

        class Participant(models.Model):
            account = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
            nom_complet = models.CharField(max_length=100)
            courriel = models.CharField(max_length=100)
            contact = models.EmailField()
            telephone = models.CharField(max_length=20)
            adresse_postale = models.CharField(max_length=200)
            seen_from = models.GenericIPAddressField()
            answer = models.TextField()
            note = models.CharField(max_length=500)
            answers = models.JSONField(default=dict)
            photo = models.ImageField()
            # not personal
            title = models.CharField(max_length=200)
            colour = models.CharField(max_length=400, choices=[("vert", "vert")])
            seats = models.PositiveIntegerField()

            class Meta:
                app_label = "plugin_app"

            def __str__(self):
                return self.title

        assert set(personal_fields(Participant)) == {
            "account",
            "nom_complet",
            "courriel",
            "contact",
            "telephone",
            "adresse_postale",
            "seen_from",
            "answer",
            "note",
            "answers",
            "photo",
        }


# --- Erasure leaves no trace ------------------------------------------------------------------

CANARY_NAME = "Zéphyrine Canari"
CANARY_EMAIL = "zephyrine.canari@example.org"
THIRD_PERSON = "Marius Témoin"
# Searched in lower case, in every encoding a dump may use: the name as typed (UTF-8), its
# ASCII part (whatever became of the é: JSON escape, decomposed accent), without accent and
# as the search index stems it ("zephyrin"), the JSON-escaped form, and the address.
TRACES = ["zéphyrine", "phyrine canari", "zephyrin", "z\\u00e9phyrine", "canari@", CANARY_EMAIL]


def database_dump() -> bytes:
    """Every row of every table, by every means the database offers here: Django's
    dumpdata of every app; on SQLite the database file's raw bytes (free pages included,
    where deleted rows linger unless overwritten) and its SQL dump; on PostgreSQL every
    table's rows as pg_dump reads them (COPY … TO STDOUT), on the test's own connection:
    a pg_dump process could not see the rows of the test's transaction."""
    out = io.StringIO()
    call_command("dumpdata", stdout=out, verbosity=0)
    parts = [out.getvalue().encode()]
    raw = connection.connection
    if connection.vendor == "sqlite":
        parts.append(bytes(raw.serialize()))
        parts.append("\n".join(raw.iterdump()).encode())
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names(cursor):
                query = f"COPY {connection.ops.quote_name(table)} TO STDOUT"
                with cursor.cursor.copy(query) as copy:
                    parts.extend(bytes(block) for block in copy)
    return b"\n".join(parts)


def traces_in(dump: bytes) -> dict[str, int]:
    lowered = dump.lower()
    return {trace: lowered.count(trace.encode()) for trace in TRACES}


@pytest.fixture
def canary(town, alice, django_capture_on_commit_callbacks):
    """Zéphyrine: an admin of Mouans-Sartoux beside Alice, with everything a person leaves
    (what follows a commit too: the search index)."""
    with django_capture_on_commit_callbacks(execute=True):
        return _canary(town)


def _canary(town):
    user = UserFactory(
        email=CANARY_EMAIL, display_name=CANARY_NAME, first_name="Zéphyrine", last_name="Canari"
    )
    membership = MembershipFactory(user=user, territory=town, role="admin")
    initiative = commons.save_initiative(
        Initiative(
            title="Une régie agricole pour les cantines",
            summary="Des légumes bio pour les écoles.",
            body="La commune cultive pour ses cantines.",
            territory=town,
        ),
        by=user,
        state="published",
    )
    commons.save_verbatim(
        Verbatim(
            text="Nous avons changé nos habitudes.",
            speaker_name=THIRD_PERSON,
            consent_to_name=True,
            speaker_role="habitant",
            category="habitant",
            territory=town,
        ),
        by=user,
        state="published",
    )
    commons.save_verbatim(
        Verbatim(
            text="J'ai porté ce projet dès le début.",
            speaker_name=CANARY_NAME,
            consent_to_name=True,
            speaker_role="adjointe au maire",
            category="elu",
            territory=town,
        ),
        by=user,
        state="published",
    )
    staff = UserFactory(email="sam@example.org", staff=True)
    user_type = ContentType.objects.get_for_model(User)
    LogEntry.objects.create(
        user=staff,
        content_type=user_type,
        object_id=str(user.pk),
        object_repr=str(user),
        action_flag=CHANGE,
        change_message="[]",
    )
    LogEntry.objects.create(
        user=staff,
        content_type=ContentType.objects.get_for_model(Membership),
        object_id=str(membership.pk),
        object_repr=str(membership),
        action_flag=CHANGE,
        change_message="[]",
    )
    LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(Initiative),
        object_id=str(initiative.pk),
        object_repr=initiative.title,
        action_flag=CHANGE,
        change_message="[]",
    )
    return user


def test_erasure_through_the_page_leaves_no_trace_and_keeps_the_contributions(
    client, canary, town, django_capture_on_commit_callbacks
):
    initiative = Initiative.objects.get(author=canary)
    # Logged in twice (a phone, a computer); a wrong password on the deletion form first.
    phone = type(client)()
    for browser in (client, phone):
        response = browser.post(
            reverse("accounts:login"), {"username": CANARY_EMAIL, "password": PASSWORD}
        )
        assert response.status_code == 302
    response = client.post(reverse("accounts:erase_account"), {"password": "pas le bon"})
    assert response.status_code == 400
    assert "Mot de passe incorrect." in response.content.decode()
    assert StateLog.objects.filter(by=canary).exists()
    assert Session.objects.count() >= 2
    assert SearchDocument.objects.filter(title__contains=CANARY_NAME).exists()
    if apps.is_installed("axes"):  # the wrong password was counted, by address
        attempts = apps.get_model("axes", "AccessAttempt").objects
        assert attempts.filter(username=CANARY_EMAIL).exists()
    before = traces_in(database_dump())
    seen = ("zéphyrine", "phyrine canari", "zephyrin", CANARY_EMAIL)
    assert all(before[trace] for trace in seen), f"the dump does not see the rows: {before}"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:erase_account"), {"password": PASSWORD})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Votre compte est supprimé" in page.content.decode()

    assert traces_in(database_dump()) == dict.fromkeys(TRACES, 0)
    assert not User.objects.filter(email=CANARY_EMAIL).exists()
    # Logged out everywhere.
    for browser in (client, phone):
        assert browser.get(reverse("accounts:my_data")).status_code == 302
    # The contributions stay, credited to « Personne supprimée ».
    initiative.refresh_from_db()
    assert initiative.author.email == DELETED_PERSON_EMAIL
    assert str(initiative.author) == "Personne supprimée"
    admin = UserFactory(email="admin@example.org", staff=True, is_superuser=True)
    client.force_login(admin)
    change_page = client.get(reverse("admin:initiatives_initiative_change", args=[initiative.pk]))
    assert "Personne supprimée" in change_page.content.decode()
    assert StateLog.objects.filter(by__email=DELETED_PERSON_EMAIL).exists()
    # A third person's name, given with consent, stays; the account holder's own goes.
    words = Verbatim.objects.filter(territory=town).order_by("pk")
    assert [(verbatim.speaker_name, verbatim.author.email) for verbatim in words] == [
        (THIRD_PERSON, DELETED_PERSON_EMAIL),
        ("", DELETED_PERSON_EMAIL),
    ]
    assert words[1].speaker == "adjointe au maire"
    # The placeholder cannot log in.
    placeholder = User.objects.get(email=DELETED_PERSON_EMAIL)
    assert not placeholder.is_active and not placeholder.has_usable_password()


def test_the_admin_log_keeps_actions_and_forgets_the_person(canary):
    own_words = Verbatim.objects.get(speaker_name=CANARY_NAME)
    LogEntry.objects.create(
        user=UserFactory(email="sam@example.org", staff=True),
        content_type=ContentType.objects.get_for_model(Verbatim),
        object_id=str(own_words.pk),
        object_repr=str(own_words),
        action_flag=CHANGE,
        change_message="[]",
    )
    data.erase_account(canary)
    entries = list(LogEntry.objects.order_by("pk"))
    assert [entry.object_repr for entry in entries] == [
        "Une régie agricole pour les cantines",
        "Personne supprimée : J'ai porté ce projet dès le début.",
    ]
    assert entries[0].user.email == DELETED_PERSON_EMAIL
    assert entries[1].user.email == "sam@example.org"


def test_a_second_erasure_credits_the_same_placeholder(town, alice, bob):
    commons.save_initiative(
        Initiative(title="Une", summary="s", territory=town), by=bob, state="published"
    )
    data.erase_account(bob)
    dana = MembershipFactory(
        user__email="dana@example.org", territory=town, role="contributor"
    ).user
    commons.save_initiative(
        Initiative(title="Deux", summary="s", territory=town), by=dana, state="published"
    )
    data.erase_account(dana)
    authors = set(Initiative.objects.values_list("author__email", flat=True))
    assert authors == {DELETED_PERSON_EMAIL}
    assert User.objects.filter(email=DELETED_PERSON_EMAIL).count() == 1
    with pytest.raises(data.ErasureRefused):
        data.erase_account(User.objects.get(email=DELETED_PERSON_EMAIL))


# --- « Mes données » --------------------------------------------------------------------------


def test_my_data_shows_what_is_kept_and_links_from_my_space(client, canary):
    client.force_login(canary)
    assert reverse("accounts:my_data") in client.get(reverse("accounts:dashboard")).content.decode()
    page = client.get(reverse("accounts:my_data")).content.decode()
    for expected in (
        "Votre compte",
        CANARY_EMAIL,
        "Vos équipes et vos rôles",
        "Mouans-Sartoux : administrateur·ice",
        "Initiatives que vous avez écrites",
        "Une régie agricole pour les cantines",
        "Paroles que vous avez saisies",
        "Changements d&#x27;état que vous avez faits",
        "Publier (initiative n° ",
        "Sessions de connexion",
        "Supprimer définitivement mon compte",
    ):
        assert expected in page, expected


def test_the_download_holds_every_registered_kind(client, canary):
    client.force_login(canary)
    response = client.get(reverse("accounts:my_data_download"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="mes-donnees-')
    assert "no-store" in response["Cache-Control"]
    document = json.loads(response.content)
    assert set(document["data"]) == set(personal_data.holders.names())
    account = document["data"][settings.AUTH_USER_MODEL]["rows"]
    assert account[0]["email"] == CANARY_EMAIL and "password" not in account[0]
    titles = [row["title"] for row in document["data"]["initiatives.Initiative"]["rows"]]
    assert titles == ["Une régie agricole pour les cantines"]
    assert document["data"]["accounts.Membership"]["rows"][0]["role"] == "admin"
    assert len(document["data"]["django_fsm_log.StateLog"]["rows"]) == 3
    # The session keys, which a browser shows to be logged in, are not in it.
    assert not any(
        session.session_key in response.content.decode() for session in Session.objects.all()
    )


def test_the_pages_want_a_login_and_the_deletion_a_post(client, canary):
    for name, send in (
        ("accounts:my_data", client.get),
        ("accounts:my_data_download", client.get),
        ("accounts:erase_account", client.post),
    ):
        response = send(reverse(name))
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
    assert client.get(reverse("accounts:erase_account")).status_code == 405
    assert client.post(reverse("accounts:my_data")).status_code == 405
    client.force_login(canary)
    assert client.get(reverse("accounts:erase_account")).status_code == 405
    assert client.post(reverse("accounts:erase_account"), {}).status_code == 400
    assert User.objects.filter(pk=canary.pk).exists()


def test_the_password_confirmation_is_throttled_as_logins_are(client, canary, settings):
    if not apps.is_installed("axes"):
        pytest.skip("no login throttling installed")
    settings.AXES_FAILURE_LIMIT = 2
    client.force_login(canary)
    for _attempt in range(2):
        client.post(reverse("accounts:erase_account"), {"password": "pas le bon"})
    response = client.post(reverse("accounts:erase_account"), {"password": PASSWORD})
    assert response.status_code == 429
    assert User.objects.filter(pk=canary.pk).exists()


def test_the_deletion_form_wants_the_csrf_token(canary):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(canary)
    response = browser.post(reverse("accounts:erase_account"), {"password": PASSWORD})
    assert response.status_code == 403
    assert User.objects.filter(pk=canary.pk).exists()


def test_the_last_admin_of_a_territory_must_hand_over_first(client, town, charlie, elsewhere):
    MembershipFactory(user=charlie, territory=town, role="admin")  # with nobody else there
    client.force_login(charlie)
    page = client.get(reverse("accounts:my_data")).content.decode()
    assert "dernier·e administrateur·ice" in page and elsewhere.name in page
    assert "Supprimer définitivement mon compte" not in page
    response = client.post(reverse("accounts:erase_account"), {"password": PASSWORD})
    assert response.status_code == 409
    message = response.content.decode()
    assert f"administrateur·ice de : {elsewhere.name}, {town.name}." in message
    assert User.objects.filter(pk=charlie.pk).exists()
    assert Membership.objects.filter(user=charlie).count() == 2


def test_an_admin_beside_another_may_leave(client, canary, alice):
    client.force_login(canary)
    response = client.post(reverse("accounts:erase_account"), {"password": PASSWORD})
    assert response.status_code == 302
    assert Membership.objects.filter(role="admin").get().user == alice


# --- The privacy page -------------------------------------------------------------------------


def test_the_privacy_page_says_who_what_why_how_long(client, settings):
    settings.PRIVACY_CONTROLLER = "Commune de Mouans-Sartoux"
    settings.PRIVACY_CONTACT = "dpo@mouans-sartoux.example"
    settings.INACTIVE_WARNING_DAYS, settings.INACTIVE_ERASURE_DAYS = 700, 30
    settings.AXES_DISABLE_ACCESS_LOG = False
    settings.AXES_ENABLE_ACCESS_FAILURE_LOG = True
    footer = client.get(reverse("www:data")).content.decode().split('class="site-footer"')[1]
    assert reverse("www:privacy") in footer
    response = client.get(reverse("www:privacy"))
    assert response.status_code == 200
    page = response.content.decode()
    for expected in (
        "Commune de Mouans-Sartoux",
        'href="mailto:dpo@mouans-sartoux.example"',
        "depuis 700 jours",
        "dans les 30 jours qui suivent",
        reverse("accounts:my_data"),
        "CNIL",
        *(
            str(text).replace("'", "&#x27;")
            for holder in personal_data.holders
            for text in (holder.label, holder.purpose, holder.retention, holder.on_erasure)
        ),
    ):
        assert expected in page, expected
    if apps.is_installed("axes"):  # what the settings turn off is not said to be kept
        settings.AXES_DISABLE_ACCESS_LOG = True
        page = client.get(reverse("www:privacy")).content.decode()
        assert "Tentatives de connexion échouées" in page
        assert "Journal des connexions" not in page


def test_the_privacy_page_asks_the_operator_to_say_who_they_are(client, settings):
    settings.PRIVACY_CONTROLLER = ""
    settings.PRIVACY_CONTACT = ""
    page = client.get(reverse("www:privacy")).content.decode()
    assert "TERRITOIRES_PRIVACY_CONTROLLER" in page and "TERRITOIRES_PRIVACY_CONTACT" in page


# --- Retention ----------------------------------------------------------------------------------


@pytest.fixture
def short_retention(settings):
    settings.INACTIVE_WARNING_DAYS = 3
    settings.INACTIVE_ERASURE_DAYS = 2


def _last_seen(user, days_ago, now):
    User.objects.filter(pk=user.pk).update(
        last_login=now - timedelta(days=days_ago), date_joined=now - timedelta(days=days_ago + 1)
    )


def test_inactive_accounts_are_warned_then_erased(short_retention, town, alice, bob, dana):
    now = timezone.now()
    _last_seen(bob, 4, now)  # inactive
    _last_seen(dana, 0, now)  # active
    User.objects.filter(pk=alice.pk).update(last_login=None, date_joined=now - timedelta(days=10))
    MembershipFactory(user__email="other-admin@example.org", territory=town, role="admin")

    report = data.apply_retention(now)
    assert (report.warned, report.erased) == (2, 0)  # Alice never logged in, Bob
    assert sorted(message.to[0] for message in mail.outbox) == [alice.email, bob.email]
    message = mail.outbox[0]
    assert "sera supprimé le" in message.subject
    assert reverse("accounts:login") in message.body and "Personne supprimée" in message.body

    # The same day again: nothing more.
    again = data.apply_retention(now)
    assert (again.warned, again.erased, len(mail.outbox)) == (0, 0, 2)
    # Bob logs in meanwhile: his warning is lifted; Alice is erased two days later.
    User.objects.filter(pk=bob.pk).update(last_login=now + timedelta(days=1))
    later = data.apply_retention(now + timedelta(days=2))
    assert (later.withdrawn, later.erased, later.warned) == (1, 1, 0)
    assert not User.objects.filter(pk=alice.pk).exists()
    assert User.objects.get(pk=bob.pk).inactivity_warned_at is None
    assert User.objects.filter(pk=dana.pk).exists()
    assert "Comptes inactifs supprimés : 1" in later.lines()


def test_retention_spares_the_last_admin_and_says_so(short_retention, town, alice):
    now = timezone.now()
    _last_seen(alice, 10, now)
    data.apply_retention(now)
    report = data.apply_retention(now + timedelta(days=3))
    assert report.erased == 0
    assert report.refused[0][0] == alice.email and town.name in report.refused[0][1]
    assert User.objects.filter(pk=alice.pk).exists()


def test_an_unsent_warning_is_tried_again(short_retention, bob, settings):
    now = timezone.now()
    _last_seen(bob, 5, now)
    settings.EMAIL_BACKEND = "tests.test_personal_data.RefusingBackend"
    report = data.apply_retention(now)
    assert (report.warned, report.unsent) == (0, [bob.email])
    assert User.objects.get(pk=bob.pk).inactivity_warned_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert data.apply_retention(now).warned == 1


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("no mail server")


def test_the_command_and_the_task_report_what_they_did(short_retention, bob):
    from territoires.accounts.tasks import apply_retention

    _last_seen(bob, 5, timezone.now())
    Session.objects.create(
        session_key="x" * 32, session_data="", expire_date=timezone.now() - timedelta(days=1)
    )
    out = io.StringIO()
    call_command("apply_retention", stdout=out, stderr=io.StringIO())
    assert "Comptes avertis de leur inactivité : 1" in out.getvalue()
    assert "Sessions expirées effacées : 1" in out.getvalue()
    result = apply_retention.enqueue()
    assert result.return_value == {
        "warned": 0,
        "erased": 0,
        "withdrawn": 0,
        "sessions_cleared": 0,
        "refused": 0,
        "unsent": 0,
    }
    assert not re.search(r"@", json.dumps(result.return_value))


def test_deleting_an_account_in_the_admin_erases_it(client, bob):
    """The admin's delete goes through the same erasure as « Mes données »."""
    from territoires.accounts.models import User
    from tests.accounts.factories import UserFactory

    root = UserFactory(email="racine@example.org", is_staff=True, is_superuser=True)
    client.force_login(root)
    response = client.post(f"/admin/accounts/user/{bob.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=bob.pk).exists()
    assert User.objects.filter(email__endswith=".invalid").exists()  # « Personne supprimée »
