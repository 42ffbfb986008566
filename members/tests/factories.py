import factory
from factory.django import DjangoModelFactory

from members.models import User


class UserFactory(DjangoModelFactory):
    email = factory.Sequence(lambda n: f"personne{n}@exemple.fr")
    first_name = "Dominique"
    last_name = factory.Sequence(lambda n: f"Martin {n}")
    password = factory.django.Password("mot-de-passe-de-test")

    class Meta:
        model = User
        skip_postgeneration_save = True
