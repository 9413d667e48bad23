"""Two signatures of the same version at once (a double tap on a phone, two tabs): the version lock
makes the second wait for the first, see it signed and refuse, so exactly one event is recorded."""

import threading

from django.db import connection, transaction
from django_scopes import scopes_disabled

from briefs.contracts.signing import sign_as_creator
from briefs.errors import ContractError
from briefs.models import SignatureEvent
from tests.briefs.factories import negotiating_collaboration, send
from tests.factories import MembershipFactory, UserFactory


def test_two_simultaneous_creator_signatures_record_one_event(transactional_db, workspace):
    with scopes_disabled():
        brand = MembershipFactory(workspace=workspace, user=UserFactory(full_name="Olivia Owner"), role="owner").user
    collaboration = negotiating_collaboration(workspace=workspace)
    version = send(collaboration, brand)
    creator_user = collaboration.creator.user
    signed, release = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def sign(name: str, *, hold: bool) -> None:
        try:
            with transaction.atomic():
                sign_as_creator(
                    version_id=version.pk, user=creator_user, typed_name="Maya Lopez", consent=True,
                    ip="203.0.113.5", user_agent=name,
                )  # fmt: skip
                if hold:  # keep the first signature's transaction open while the second one arrives
                    signed.set()
                    release.wait(timeout=10)
            outcome[name] = "signed"
        except ContractError as exc:
            outcome[name] = exc.code
        finally:
            connection.close()

    first = threading.Thread(target=sign, args=("first",), kwargs={"hold": True})
    second = threading.Thread(target=sign, args=("second",), kwargs={"hold": False})
    first.start()
    signed.wait(timeout=10)
    second.start()
    second.join(timeout=1)
    second_waited_for_the_lock = second.is_alive()
    release.set()
    first.join(timeout=10)
    second.join(timeout=10)

    assert second_waited_for_the_lock
    assert outcome["first"] == "signed" and outcome["second"] != "signed"
    with scopes_disabled():
        assert list(SignatureEvent.objects.filter(version=version).values_list("user_agent", flat=True)) == ["first"]
