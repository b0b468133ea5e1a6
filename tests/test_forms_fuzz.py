"""hypothesis over every form of the product, then over the views that take them.

Each example fills every field plausibly (any script, to the field's bounds), or all but
one, or posts anything with fields left out: arbitrary text (any Unicode character, NUL
included, up to 100,000 characters), hostile values (markup, SQL, format strings, numbers
past every bound, impossible dates, dangerous addresses), a choice valid as often as made
up, garbage files under telling names (a broken image, a PDF, a CSV, a YAML with aliases).
A form either validates or answers with errors in French (none of Django's English
messages), and never raises. Posted to its view by someone allowed to (bob, contributor of
Mouans-Sartoux; alice, its admin, for the team; fanny, facilitator, for project
territories), nothing gives a server error: the test client raises the view's exception,
and any answer of 500 or more fails. Bounded (15 examples per form and per view) and
deterministic (derandomized), so that CI never flakes.
"""

import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django import forms
from django.contrib.auth.forms import AuthenticationForm, BaseUserCreationForm
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.utils import translation
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from territoires.accounts.data_views import EraseAccountForm
from territoires.accounts.forms import (
    AddMemberForm,
    ChangeRoleForm,
    EmailAuthenticationForm,
    SignupForm,
)
from territoires.actors.admin import OrganisationAdminForm
from territoires.actors.forms import (
    BodyMemberForm,
    CategoryForm,
    ChainForm,
    ChainLinkForm,
    ChainLinkFormSet,
    CharterForm,
    DecisionForm,
    GovernanceBodyForm,
    ImportForm,
    MeetingForm,
    OfficialsForm,
    OrganisationForm,
    PersonForm,
    RelationForm,
    SignatoryForm,
)
from territoires.actors.models import Meeting, Organisation
from territoires.controversies.forms import (
    ArgumentForm,
    ArgumentFormSet,
    ControversyForm,
    PositionForm,
    VenueForm,
)
from territoires.controversies.models import Controversy
from territoires.core.search_form import SearchForm
from territoires.initiatives.forms import (
    ContactForm,
    ContactFormSet,
    InitiativeForm,
    KeyFigureForm,
    MilestoneForm,
    PhotoFields,
    PhotoForm,
    PresentationForm,
    ResourceForm,
    ResourceFormSet,
    ResultForm,
    VerbatimForm,
    VideoForm,
)
from territoires.initiatives.models import Initiative, Portrait
from territoires.territories.forms import ProjectTerritoryForm

FUZZ = settings(
    max_examples=15,
    derandomize=True,  # the same examples on every run: CI never flakes on a new draw
    database=None,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # the database is the same for every example
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

HOSTILE = [
    "",
    " ",
    "\x00",
    "Mouans\x00Sartoux",
    "\u202eéditer\u0301",
    "🙂" * 40,
    "<script>alert(1)</script>",
    "'; DROP TABLE territories_territory; --",
    "%(value)s %s {0} {{ form }} {% debug %}",
    "x" * 100_000,
    "é" * 5_000,
    "-1",
    "0",
    "1e309",
    "NaN",
    "-Infinity",
    "9" * 40,
    "-" + "9" * 30,
    "1799",
    "2101",
    "2008",
    "12,5",
    "0.001",
    "2020-02-30",
    "9999-12-31",
    "0001-01-01",
    "31/12/2020",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://vimeo.com/76979871",
    "https://peertube.example/w/" + "a" * 300,
    "javascript:alert(1)",
    "http://[::1",
    "//evil.example/",
    "file:///etc/passwd",
    "bob@example.org",
    "a@b",
    "@" * 300 + ".fr",
    "06084",
    "06084, 200039915 ; 99999",
    "commune:06084",
]
# No lone surrogates: a request's UTF-8 is decoded with replacement, no form ever meets one.
TEXT = st.one_of(
    st.sampled_from(HOSTILE), st.text(st.characters(exclude_categories=["Cs"]), max_size=300)
)


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), "green").save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()
# A YAML « billion laughs », small enough to stay quick.
LAUGHS = (
    b'- nom: rires\n  a: &a ["06084","06084","06084"]\n  b: &b [*a,*a,*a]\n'
    b"  c: &c [*b,*b,*b]\n  membres: [*c, *c]\n"
)
FILE_NAMES = ["photo.jpg", "photo.png", "document.pdf", "membres.csv", "membres.yaml", "../x.pdf"]
FILE_CONTENTS = st.one_of(
    st.sampled_from(
        [
            b"",
            PNG,
            PNG[:40],
            b"\xff\xd8\xff\xe0" + b"\x00" * 64,
            b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << >>\n%%EOF",
            b"%PDF-" + b"\xff" * 200,
            b"code;projet;type\n06084;Vallee;pnr\n99999;Vallee;inconnu\n",
            b"code,projet\n" + b"06084," * 2000,
            LAUGHS,
            b"- nom: !!python/object/apply:os.system ['true']\n  membres: [06084]\n",
            "é;\x00;\n".encode("latin-1"),
        ]
    ),
    st.binary(max_size=400),
)
UPLOAD = st.builds(
    lambda name, content: SimpleUploadedFile(name, content),
    st.sampled_from(FILE_NAMES),
    FILE_CONTENTS,
)


def hostile(field: forms.Field) -> st.SearchStrategy[list]:
    """Anything for a field: a list of values, as a query string holds them."""
    if isinstance(field, forms.FileField):
        return st.lists(UPLOAD, max_size=1)
    if isinstance(field, forms.BooleanField):
        return st.lists(st.one_of(st.sampled_from(["on", "1", "false", ""]), TEXT), max_size=1)
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        valid = [str(value) for value, _label in field.choices if str(value) != ""]
        value = st.one_of(st.sampled_from(valid), TEXT) if valid else TEXT
        many = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
        return st.lists(value, max_size=3 if many else 1)
    return st.lists(TEXT, max_size=1)


PLAUSIBLE_FILES = [("photo.png", PNG), ("membres.csv", b"code;projet\n06084;Pays de Grasse\n")]
VALID_URLS = ["https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://example.org/un-lien"]
TYPED = st.characters(exclude_categories=["Cs", "Cc"])  # any character a person may type


def plausible(field: forms.Field, initial: Any) -> st.SearchStrategy[list]:
    """What a person may post for a field, in any script, to the bounds of the field."""
    if initial is not None and isinstance(field.widget, forms.HiddenInput):
        return st.just([str(initial)])  # what the page holds: formsets' counts, versions
    if isinstance(field, forms.FileField):
        return st.sampled_from(PLAUSIBLE_FILES).map(lambda file: [SimpleUploadedFile(*file)])
    if isinstance(field, forms.ChoiceField | forms.ModelChoiceField):
        valid = [str(value) for value, _label in field.choices if str(value) != ""]
        many = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
        if not valid:
            return st.just([])
        return (
            st.lists(st.sampled_from(valid), max_size=3)
            if many
            else st.tuples(st.sampled_from(valid)).map(list)
        )
    if isinstance(field, forms.BooleanField):
        return st.sampled_from([["on"], []])
    if isinstance(field, forms.EmailField):
        return st.emails().map(lambda email: [email])
    if isinstance(field, forms.URLField):
        return st.sampled_from(VALID_URLS).map(lambda url: [url])
    if isinstance(field, forms.DateField):
        return st.dates(max_value=date.today()).map(lambda day: [day.isoformat()])
    if isinstance(field, forms.DecimalField):
        places = field.decimal_places if field.decimal_places is not None else 2
        bound = Decimal(10) ** min((field.max_digits or 12) - places, 12) - 1
        number = st.decimals(-bound, bound, places=places, allow_nan=False, allow_infinity=False)
        return number.map(lambda value: [str(value)])
    if isinstance(field, forms.IntegerField):
        low = field.min_value if field.min_value is not None else -(10**6)
        high = field.max_value if field.max_value is not None else 10**6
        number = st.integers(low, high)
        if max(low, 1800) <= min(high, 2100):  # most numbers asked are years
            number = st.one_of(st.integers(max(low, 1800), min(high, 2100)), number)
        return number.map(lambda value: [str(value)])
    size = min(getattr(field, "max_length", None) or 2_000, 2_000)
    text = st.text(TYPED, min_size=1, max_size=size).filter(str.strip)
    return text.map(lambda text: [text])


@st.composite
def posted(draw, named_fields: dict[str, tuple[forms.Field, Any]]) -> tuple[dict, dict]:
    """(data, files) for the fields, by the name each is posted under: all plausible, all
    plausible but one, or anything with fields left out."""
    mode = draw(st.sampled_from(["plausible", "one hostile", "hostile"]))
    odd_one = draw(st.sampled_from(sorted(named_fields))) if mode == "one hostile" else None
    data, files = {}, {}
    for name, (field, initial) in named_fields.items():
        if mode == "hostile" and draw(st.booleans()):
            continue
        if mode == "hostile" or name == odd_one:
            values = draw(hostile(field))
        else:
            values = draw(plausible(field, initial))
        (files if isinstance(field, forms.FileField) else data)[name] = values
    if mode != "hostile" and "password2" in data and odd_one not in ("password1", "password2"):
        data["password2"] = data.get("password1", [])  # typed twice, the same
    return data, files


def fields_of(*unbound: forms.BaseForm | forms.BaseFormSet) -> dict[str, tuple]:
    """(field, its initial value) of unbound forms and formsets (management form and extra
    forms included), by the name each is posted under."""
    named = {}
    for part in unbound:
        subforms = [part]
        if isinstance(part, forms.BaseFormSet):
            subforms = [part.management_form, *part.forms]
        for form in subforms:
            for name, field in form.fields.items():
                named[form.add_prefix(name)] = (field, form.get_initial_for_field(field, name))
    return named


# --- French errors ------------------------------------------------------------------------


class Numbers(dict):
    """Any placeholder of a message, filled with one number (ngettext picks its form by it)."""

    def __init__(self, number: int):
        super().__init__()
        self.number = number

    def __missing__(self, key):
        return self.number


def _in(language: str, message, params=None) -> str:
    with translation.override(language):
        return str(message if params is None else message % params)


def english_leaks(form: forms.BaseForm) -> list[re.Pattern]:
    """The messages Django may give for this form's fields and validators, as they read in
    English (singular and plural), when French reads otherwise."""
    messages = list(getattr(form, "error_messages", {}).values())
    for field in form.fields.values():
        messages += list(field.error_messages.values())
        messages += [getattr(v, "message", "") for v in field.validators]
    leaks = []
    for message in messages:
        for number in (1, 2):
            english = _in("en", message, Numbers(number))
            if english != _in("fr", message, Numbers(number)):
                parts = re.split(rf"\b{number}\b", english)
                leaks.append(re.compile(r".*".join(re.escape(p) for p in parts), re.DOTALL))
    return leaks


def assert_validates_or_says_why_in_french(form: forms.BaseForm):
    """Valid, or each error in French: through a catalogue (it reads otherwise in English),
    or as fixed text that is none of Django's English messages."""
    with translation.override("fr"):
        if form.is_valid():
            return
    errors = [error for errors in form.errors.as_data().values() for error in errors]
    assert errors, "an invalid form must say why"
    leaks = english_leaks(form)
    for error in errors:
        french = _in("fr", error.message, error.params)
        assert french.strip(), form.errors
        if french != _in("en", error.message, error.params):
            continue
        english = [leak.pattern for leak in leaks if leak.fullmatch(french)]
        assert not english, f"English message {french!r} ({type(form).__name__})"


# --- Each form, alone -----------------------------------------------------------------------


@dataclass
class Cast:
    town: Any
    bob: Any


def _request(user=None):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.1")
    request.user = user or AnonymousUser()
    return request


# form → how to make it, bound to (data, files), for the cast.
FORMS = {
    SearchForm: lambda d, f, c: SearchForm(d),
    InitiativeForm: lambda d, f, c: InitiativeForm(
        d, instance=Initiative(territory=c.town), user=c.bob
    ),
    ResultForm: lambda d, f, c: ResultForm(d),
    VerbatimForm: lambda d, f, c: VerbatimForm(d, territory=c.town, user=c.bob),
    PresentationForm: lambda d, f, c: PresentationForm(d, instance=Portrait(territory=c.town)),
    KeyFigureForm: lambda d, f, c: KeyFigureForm(d),
    VideoForm: lambda d, f, c: VideoForm(d),
    PhotoForm: lambda d, f, c: PhotoForm(d, f),
    MilestoneForm: lambda d, f, c: MilestoneForm(d, f, territory=c.town, user=c.bob),
    ContactForm: lambda d, f, c: ContactForm(d),
    ResourceForm: lambda d, f, c: ResourceForm(d, f),
    ProjectTerritoryForm: lambda d, f, c: ProjectTerritoryForm(d, f),
    EmailAuthenticationForm: lambda d, f, c: EmailAuthenticationForm(_request(), data=d),
    SignupForm: lambda d, f, c: SignupForm(d),
    AddMemberForm: lambda d, f, c: AddMemberForm(d),
    ChangeRoleForm: lambda d, f, c: ChangeRoleForm(d),
    EraseAccountForm: lambda d, f, c: EraseAccountForm(_request(c.bob), d),
    OrganisationForm: lambda d, f, c: OrganisationForm(d),
    PersonForm: lambda d, f, c: PersonForm(d),
    RelationForm: lambda d, f, c: RelationForm(d),
    ImportForm: lambda d, f, c: ImportForm(d, f),
    OrganisationAdminForm: lambda d, f, c: OrganisationAdminForm(d),
    GovernanceBodyForm: lambda d, f, c: GovernanceBodyForm(d),
    BodyMemberForm: lambda d, f, c: BodyMemberForm(d),
    MeetingForm: lambda d, f, c: MeetingForm(d),
    DecisionForm: lambda d, f, c: DecisionForm(d),
    CharterForm: lambda d, f, c: CharterForm(d),
    SignatoryForm: lambda d, f, c: SignatoryForm(d),
    OfficialsForm: lambda d, f, c: OfficialsForm(d),
    ChainForm: lambda d, f, c: ChainForm(d),
    CategoryForm: lambda d, f, c: CategoryForm(d),
    ChainLinkForm: lambda d, f, c: ChainLinkForm(d, organisations=Organisation.objects.all()),
    ControversyForm: lambda d, f, c: ControversyForm(d, instance=Controversy(territory=c.town)),
    PositionForm: lambda d, f, c: PositionForm(d, organisations=Organisation.objects.all()),
    ArgumentForm: lambda d, f, c: ArgumentForm(d),
    VenueForm: lambda d, f, c: VenueForm(d, meetings=Meeting.objects.all()),
}
# Forms fuzzed through others: a mixin, and Django's bases of the accounts' forms.
THROUGH_OTHERS = {PhotoFields, AuthenticationForm, BaseUserCreationForm}


def _product_forms() -> set[type]:
    found, todo = set(), [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.__module__.startswith("territoires.") and not sub.__name__.startswith("_"):
                found.add(sub)
    return found


def test_every_form_of_the_product_is_fuzzed():
    # Importing the URLs imports every view, hence every form they take.
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018
    missing = _product_forms() - set(FORMS) - THROUGH_OTHERS
    assert not missing, f"add to FORMS (and to VIEWS if a view takes it): {missing}"


@pytest.mark.parametrize("form_class", list(FORMS), ids=lambda form: form.__name__)
@FUZZ
@given(drawn=st.data())
def test_a_form_validates_or_says_why_in_french(form_class, drawn, town, bob):
    cast = Cast(town=town, bob=bob)
    make = FORMS[form_class]
    data, files = drawn.draw(posted(fields_of(make(None, None, cast))))
    form = make(MultiValueDict(data), MultiValueDict(files), cast)
    assert_validates_or_says_why_in_french(form)


# --- Each view that takes a form: hostile posts, never a server error ----------------------


def _portrait(town, part):
    return f"{town.get_absolute_url()}{part}/"


def _initiative(cast):
    """An initiative of the town to edit, the same for every example."""
    from tests.initiatives.factories import InitiativeFactory

    return Initiative.objects.filter(territory=cast.town).first() or InitiativeFactory(
        territory=cast.town, published=True
    )


def _milestone(cast):
    from territoires.initiatives.models import Milestone
    from tests.initiatives.factories import MilestoneFactory

    return Milestone.objects.filter(territory=cast.town).first() or MilestoneFactory(
        territory=cast.town
    )


def _portrait_of(cast):
    """The stored presentation, as the page reads it (with its version), or a new one."""
    return Portrait.objects.filter(territory=cast.town).first() or Portrait(territory=cast.town)


def _organisation(cast):
    """An organisation of the town, the same for every example."""
    from tests.actors.factories import OrganisationFactory

    return Organisation.objects.filter(territories=cast.town).first() or OrganisationFactory(
        territories=[cast.town]
    )


def _controversy(cast):
    """A controversy of the town, the same for every example."""
    return Controversy.objects.filter(territory=cast.town).first() or Controversy.objects.create(
        territory=cast.town, subject="Le parc éolien"
    )


def _controversy_address(cast, part):
    return _portrait(cast.town, f"controverses/{_controversy(cast).pk}/{part}")


def _initiative_forms(cast, initiative):
    return (
        InitiativeForm(instance=initiative, user=cast.bob),
        ResultForm(prefix="result"),
        ContactFormSet(instance=initiative, prefix="contacts"),
        ResourceFormSet(instance=initiative, prefix="resources"),
    )


# view → (who posts, its address for the cast, the unbound forms whose fields it reads)
VIEWS = {
    "new initiative": (
        "bob",
        lambda c: _portrait(c.town, "initiatives/nouvelle"),
        lambda c: _initiative_forms(c, Initiative(territory=c.town)),
    ),
    "initiative": (
        "bob",
        lambda c: f"/initiatives/{_initiative(c).slug}/modifier/",
        lambda c: _initiative_forms(c, _initiative(c)),
    ),
    "key figure": ("bob", lambda c: _portrait(c.town, "chiffres"), lambda c: (KeyFigureForm(),)),
    "new milestone": (
        "bob",
        lambda c: _portrait(c.town, "jalons"),
        lambda c: (MilestoneForm(territory=c.town, user=c.bob),),
    ),
    "milestone": (
        "bob",
        lambda c: _portrait(c.town, f"jalons/{_milestone(c).pk}/modifier"),
        lambda c: (MilestoneForm(instance=_milestone(c), territory=c.town, user=c.bob),),
    ),
    "verbatim": (
        "bob",
        lambda c: _portrait(c.town, "verbatims"),
        lambda c: (VerbatimForm(territory=c.town, user=c.bob),),
    ),
    "video": ("bob", lambda c: _portrait(c.town, "videos"), lambda c: (VideoForm(),)),
    "presentation": (
        "bob",
        lambda c: _portrait(c.town, "presentation"),
        lambda c: (PresentationForm(instance=_portrait_of(c)),),
    ),
    "photo": ("bob", lambda c: _portrait(c.town, "photo"), lambda c: (PhotoForm(),)),
    "team": ("alice", lambda c: _portrait(c.town, "equipe"), lambda c: (AddMemberForm(),)),
    "role": (
        "alice",
        lambda c: _portrait(c.town, f"equipe/{c.bob.memberships.get().pk}"),
        lambda c: (ChangeRoleForm(),),
    ),
    "project territory": (
        "fanny",
        lambda c: "/territoires/projets/nouveau/",
        lambda c: (ProjectTerritoryForm(),),
    ),
    "new organisation": (
        "bob",
        lambda c: _portrait(c.town, "acteurs/nouvelle"),
        lambda c: (OrganisationForm(),),
    ),
    "organisation": (
        "bob",
        lambda c: f"/acteurs/{_organisation(c).pk}/modifier/",
        lambda c: (OrganisationForm(instance=_organisation(c)),),
    ),
    "person": (
        "bob",
        lambda c: f"/acteurs/{_organisation(c).pk}/personnes/nouvelle/",
        lambda c: (PersonForm(),),
    ),
    "relation": (
        "bob",
        lambda c: f"/acteurs/{_organisation(c).pk}/relations/nouvelle/",
        lambda c: (RelationForm(),),
    ),
    "import actors": (
        "bob",
        lambda c: _portrait(c.town, "acteurs/importer"),
        lambda c: (ImportForm(),),
    ),
    "chain": (
        "bob",
        lambda c: _portrait(c.town, "acteurs/chaines/nouvelle"),
        lambda c: (
            ChainForm(),
            ChainLinkFormSet(
                prefix="links", form_kwargs={"organisations": Organisation.objects.all()}
            ),
        ),
    ),
    "category": ("fanny", lambda c: "/acteurs/categories/", lambda c: (CategoryForm(),)),
    "new controversy": (
        "bob",
        lambda c: _portrait(c.town, "controverses/nouvelle"),
        lambda c: (ControversyForm(instance=Controversy(territory=c.town)),),
    ),
    "controversy": (
        "bob",
        lambda c: _controversy_address(c, "modifier"),
        lambda c: (ControversyForm(instance=_controversy(c)),),
    ),
    "position": (
        "bob",
        lambda c: _controversy_address(c, "positions/nouvelle"),
        lambda c: (
            PositionForm(organisations=Organisation.objects.all()),
            ArgumentFormSet(prefix="arguments"),
        ),
    ),
    "venue": (
        "bob",
        lambda c: _controversy_address(c, "lieux/nouveau"),
        lambda c: (VenueForm(meetings=Meeting.objects.all()),),
    ),
    "login": (None, lambda c: "/comptes/connexion/", lambda c: (EmailAuthenticationForm(),)),
    "signup": (None, lambda c: "/comptes/inscription/", lambda c: (SignupForm(),)),
    "erase account": (
        "bob",
        lambda c: "/comptes/mon-espace/supprimer-mon-compte/",
        lambda c: (EraseAccountForm(_request(c.bob)),),
    ),
}


@pytest.mark.parametrize("view", list(VIEWS))
@FUZZ
@given(drawn=st.data())
def test_hostile_posts_never_give_a_server_error(view, drawn, request, client, town):
    who, address, parts = VIEWS[view]
    users = {name: request.getfixturevalue(name) for name in ("alice", "bob", "fanny")}
    cast = Cast(town=town, bob=users["bob"])
    if who is not None:
        client.force_login(users[who])
    data, files = drawn.draw(posted(fields_of(*parts(cast))))
    htmx = drawn.draw(st.booleans())
    payload = {**data, **files}
    response = client.post(address(cast), payload, **({"HTTP_HX_REQUEST": "true"} if htmx else {}))
    assert response.status_code < 500, response.content[:2000]
