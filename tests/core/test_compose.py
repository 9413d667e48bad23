"""docker-compose.yml and the Dockerfile: only the proxy faces the network, and gunicorn believes
X-Forwarded-* from the proxy alone. There is no Docker in CI, so these read the files."""

import ipaddress
import shlex
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def gunicorn_command() -> list[str]:
    """The Dockerfile's CMD (exec form, possibly continued over lines) as a list."""
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    line = next(line for line in text.splitlines() if line.startswith("CMD "))
    return yaml.safe_load(line.removeprefix("CMD "))


def test_only_the_proxy_publishes_ports():
    services = compose()["services"]
    published = sorted(name for name, service in services.items() if service.get("ports"))
    assert published == ["proxy"]
    assert services["web"].get("expose") == ["8000"]


def test_the_proxy_forwards_to_web_and_has_a_config_file_and_a_health_check():
    proxy = compose()["services"]["proxy"]
    mounted = [volume.split(":")[0] for volume in proxy["volumes"]]
    config = next(path for path in mounted if path.startswith("./"))
    caddyfile = (ROOT / config).read_text()
    assert "reverse_proxy web:8000" in caddyfile
    assert "healthcheck" in proxy and "healthcheck" in compose()["services"]["web"]


def test_gunicorn_trusts_forwarded_headers_from_the_proxy_address_only():
    spec = compose()
    allowed = spec["services"]["web"]["environment"]["FORWARDED_ALLOW_IPS"]
    proxy_address = spec["services"]["proxy"]["networks"]["edge"]["ipv4_address"]
    assert allowed == proxy_address
    subnet = ipaddress.ip_network(spec["networks"]["edge"]["ipam"]["config"][0]["subnet"])
    assert ipaddress.ip_address(proxy_address) in subnet
    assert "edge" in spec["services"]["web"]["networks"]


def test_the_image_never_trusts_every_forwarder():
    command = gunicorn_command()
    assert command[0] == "gunicorn"
    if "--forwarded-allow-ips" in command:
        assert command[command.index("--forwarded-allow-ips") + 1] != "*"
    dockerfile = (ROOT / "Dockerfile").read_text()
    env_lines = [shlex.split(line) for line in dockerfile.splitlines() if line.startswith("ENV FORWARDED_ALLOW_IPS")]
    assert env_lines and "*" not in env_lines[0][1]
