"""Accounts and memberships."""

import factory

from territoires.accounts.enums import Role
from territoires.accounts.models import Membership, User
from tests.territories.factories import commune

PASSWORD = "un mot de passe solide"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["email"]

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    display_name = factory.Faker("name", locale="fr_FR")
    password = factory.django.Password(PASSWORD)

    class Params:
        facilitator = factory.Trait(is_facilitator=True)
        staff = factory.Trait(is_staff=True)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    territory = factory.LazyFunction(lambda: commune("06084"))
    role = Role.READER
