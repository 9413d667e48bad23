import factory
from django.utils import timezone

from accounts.models import Invitation, Membership, Role, User, Workspace
from accounts.tokens import new_token
from creators.models import Creator

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name")
    kind = User.Kind.MARKETER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CreatorUserFactory(UserFactory):
    kind = User.Kind.CREATOR


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Brand {n}")
    slug = factory.Sequence(lambda n: f"brand-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    workspace = factory.SubFactory(WorkspaceFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.OWNER


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    workspace = factory.SubFactory(WorkspaceFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.test")
    role = Role.MANAGER
    token_sha256 = factory.LazyFunction(lambda: new_token()[1])
    expires_at = factory.LazyFunction(lambda: timezone.now() + timezone.timedelta(days=7))


class CreatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Creator

    handle = factory.Sequence(lambda n: f"creator{n}")
    display_name = factory.Faker("name")
    country = "US"
    follower_count = factory.Sequence(lambda n: 10_000 + n * 1_000)
