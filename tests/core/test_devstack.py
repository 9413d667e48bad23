"""`make run` (config.devstack): the demo, whose passwords are public, listens on loopback unless HOST opens it."""

from config.devstack import _probe_host, bind_address


def test_make_run_binds_loopback_by_default():
    assert bind_address(host=None, port=8000) == "127.0.0.1:8000"
    assert bind_address(host="", port=9000) == "127.0.0.1:9000"


def test_host_opens_it_on_purpose():
    assert bind_address(host="0.0.0.0", port=8000) == "0.0.0.0:8000"  # noqa: S104 - what HOST asks for
    assert bind_address(host="::", port=8000) == "[::]:8000"
    assert bind_address(host="192.168.1.5", port=8000) == "192.168.1.5:8000"


def test_start_up_probes_loopback_for_a_wildcard_and_the_address_otherwise():
    assert _probe_host("0.0.0.0:8000") == "127.0.0.1"
    assert _probe_host("[::]:8000") == "127.0.0.1"
    assert _probe_host("192.168.1.5:8000") == "192.168.1.5"
    assert _probe_host("[::1]:8000") == "::1"
