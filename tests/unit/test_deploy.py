"""The production compose file: migrations run once by a job, two replicas behind the TLS proxy, probes wired.
(`docker-compose config` validates it against the Compose schema where Docker Compose is installed; this test
checks what matters to us on any machine.)"""

import ipaddress
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_migrations_run_once_in_a_job_and_the_replicas_wait_for_it():
    services = compose()["services"]
    assert services["migrate"]["command"] == ["python", "-m", "app.cli", "migrate"]
    replicas = [name for name, s in services.items() if s.get("image") == "send-fieldwork:latest" and name != "migrate"]
    assert len(replicas) >= 2
    for name in replicas:
        service = services[name]
        assert service["environment"]["RUN_MIGRATIONS"] == "0", name
        assert service["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert service["environment"]["ENVIRONMENT"] == "production"
        assert service["environment"]["SECRET_KEY"].startswith("${SECRET_KEY:?")  # refuses to start unset
        assert "/readyz" in " ".join(service["healthcheck"]["test"])
        assert service["environment"]["DATABASE_URL"].startswith("postgresql://")


def test_the_proxy_terminates_tls_and_balances_over_every_replica_that_is_ready():
    services = compose()["services"]
    proxy = services["proxy"]
    assert "443:443" in proxy["ports"]
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    caddyfile = (ROOT / "deploy" / "Caddyfile").read_text()
    replicas = [name for name in services if name.startswith("app")]
    assert "reverse_proxy {$APP_UPSTREAMS} {" in caddyfile
    assert proxy["environment"]["APP_UPSTREAMS"].split() == [f"{name}:8000" for name in replicas]
    assert "health_uri /readyz" in caddyfile and "X-Request-ID" in caddyfile
    assert not any(line.strip().startswith("encode") for line in caddyfile.splitlines())  # pages stay uncompressed


def test_the_replicas_believe_forwarded_headers_only_from_the_proxys_fixed_address():
    """(tests/production/test_caddy.py runs Caddy and two app processes and shows what this wiring does.)"""
    config = compose()
    services = config["services"]
    address = services["proxy"]["networks"]["internal"]["ipv4_address"]
    subnet = config["networks"]["internal"]["ipam"]["config"][0]["subnet"]
    assert ipaddress.ip_address(address) in ipaddress.ip_network(subnet)
    for name in (name for name in services if name.startswith("app")):
        assert services[name]["environment"]["FORWARDED_ALLOW_IPS"] == address, name
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "FORWARDED_ALLOW_IPS=127.0.0.1" in dockerfile and '"--proxy-headers"' in dockerfile
