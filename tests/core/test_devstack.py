"""`make run` (config.devstack): the demo, whose passwords are public, listens on loopback unless HOST opens it;
the console ends with where to go, not with Celery's start-up banners."""

from pathlib import Path

from config.devstack import _probe_host, bind_address, celery_commands


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


def _celery(log_level: str | None) -> dict[str, list[str]]:
    return celery_commands(python="py", log_level=log_level, worker_node="devstack-1@box", schedule=Path("beat"))


def test_worker_and_beat_start_quietly_and_log_at_info_by_default():
    for log_level in (None, "", "INFO", "info"):
        commands = _celery(log_level)
        for name in ("worker", "beat"):
            command = commands[name]
            # --quiet is celery's global option: before the sub-command, or it is not understood.
            assert command.index("--quiet") < command.index(name)
            assert command[command.index("-l") + 1] == "INFO"


def test_log_level_debug_keeps_the_start_up_banners():
    commands = _celery("debug")
    for name in ("worker", "beat"):
        assert "--quiet" not in commands[name]
        assert commands[name][commands[name].index("-l") + 1] == "DEBUG"


def test_a_warning_level_still_hides_the_banners():
    assert all("--quiet" in command for command in _celery("WARNING").values())


def test_start_up_pings_the_worker_by_its_own_name():
    worker = _celery(None)["worker"]
    assert worker[worker.index("-n") + 1] == "devstack-1@box"
    assert worker[worker.index("-Q") + 1] == "default"
