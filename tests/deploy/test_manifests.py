"""deploy/k8s: every manifest file and the rendered kustomize output of the base and the
small-cluster overlay against the Kubernetes OpenAPI schemas (kubernetes-validate, strict:
an unknown field is an error), then what a schema cannot see: resources, probes, the
security context, pinned images, and that the selectors and references meet their targets.

No cluster here: nothing is applied or run (deploy/k8s/README.md lists what was not).
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest

from app.core.settings import Settings
from tests.deploy.manifests import (
    K8S,
    K8S_VERSIONS,
    KUSTOMIZATIONS,
    REPO,
    Manifest,
    containers,
    kustomize_command,
    load_all,
    manifest_files,
    matches,
    pod_labels,
    pod_spec,
    render,
)

SECRET_TEMPLATES = K8S / "secrets" / "envelopes-secrets.example.yaml"

needs_kustomize = pytest.mark.skipif(
    kustomize_command() is None,
    reason="no kustomize renderer ($KUSTOMIZE, the dev extras' kubectl, kustomize or kubectl)",
)


def validation_errors(doc: Manifest, version: str) -> list[str]:
    try:
        kubernetes_validate.validate(doc, version, strict=True)
    except kubernetes_validate.ValidationError as e:
        return [f"{doc['kind']}/{doc['metadata'].get('name')}: {e.message} at {list(e.path)}"]
    return []


@pytest.fixture(scope="module", params=sorted(KUSTOMIZATIONS))
def rendered(request: pytest.FixtureRequest) -> list[Manifest]:
    if kustomize_command() is None:
        pytest.skip("no kustomize renderer (neither $KUSTOMIZE, kustomize nor kubectl here)")
    return render(KUSTOMIZATIONS[request.param])


def workloads(docs: list[Manifest]) -> Iterator[tuple[Manifest, Manifest]]:
    for doc in docs:
        spec = pod_spec(doc)
        if spec is not None:
            yield doc, spec


def named(docs: list[Manifest], kind: str, name: str) -> Manifest:
    found = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind}/{name}, found {len(found)}"
    return found[0]


# --- schemas ------------------------------------------------------------------------------


def test_the_manifest_files_are_found() -> None:
    names = {p.relative_to(K8S).as_posix() for p in manifest_files()}
    assert {"base/api-deployment.yaml", "base/mongo-statefulset.yaml"} <= names
    assert "secrets/envelopes-secrets.example.yaml" in names


@pytest.mark.parametrize("version", K8S_VERSIONS)
@pytest.mark.parametrize(
    "path", manifest_files(), ids=lambda p: Path(p).relative_to(K8S).as_posix()
)
def test_every_manifest_file_validates(path: Path, version: str) -> None:
    docs = load_all(path)
    assert docs, f"{path} holds no document"
    errors = [error for doc in docs for error in validation_errors(doc, version)]
    assert errors == []


@needs_kustomize
@pytest.mark.parametrize("version", K8S_VERSIONS)
def test_the_rendered_output_validates(rendered: list[Manifest], version: str) -> None:
    errors = [error for doc in rendered for error in validation_errors(doc, version)]
    assert errors == []


def test_strict_validation_refuses_an_unknown_field() -> None:
    """The schema check has teeth: a misspelt field is an error, not ignored."""
    [deployment] = load_all(K8S / "base" / "api-deployment.yaml")
    deployment["spec"]["template"]["spec"]["containers"][0]["livenesProbe"] = {}
    assert validation_errors(deployment, K8S_VERSIONS[0]) != []


@needs_kustomize
def test_everything_is_rendered(rendered: list[Manifest]) -> None:
    kinds = sorted(f"{d['kind']}/{d['metadata']['name']}" for d in rendered)
    for expected in (
        "Namespace/envelopes",
        "Deployment/envelopes-api",
        "Service/envelopes-api",
        "Ingress/envelopes-api",
        "HorizontalPodAutoscaler/envelopes-api",
        "PodDisruptionBudget/envelopes-api",
        "Service/mongo",
        "StatefulSet/mongo",
        "PodDisruptionBudget/mongo",
        "Job/mongo-init",
        "CronJob/mongo-backup",
        "PersistentVolumeClaim/mongo-backups",
    ):
        assert expected in kinds
    namespaced = [d for d in rendered if d["kind"] != "Namespace"]
    assert {d["metadata"].get("namespace") for d in namespaced} == {"envelopes"}
    # Secrets are created by hand from the templates, never rendered with values.
    assert not [d for d in rendered if d["kind"] == "Secret"]


# --- what a schema cannot see -------------------------------------------------------------


@needs_kustomize
def test_every_container_has_requests_and_limits(rendered: list[Manifest]) -> None:
    for obj, spec in workloads(rendered):
        for _, container in containers(spec):
            resources = container.get("resources", {})
            for bound in ("requests", "limits"):
                assert set(resources.get(bound, {})) >= {"cpu", "memory"}, (
                    f"{obj['kind']}/{obj['metadata']['name']} {container['name']}: {bound}"
                )


@needs_kustomize
def test_long_running_containers_have_probes(rendered: list[Manifest]) -> None:
    for obj, spec in workloads(rendered):
        if obj["kind"] not in ("Deployment", "StatefulSet"):
            continue  # Jobs and CronJobs run to completion
        for role, container in containers(spec):
            if role == "main":
                for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
                    assert probe in container, f"{obj['metadata']['name']}: no {probe}"


@needs_kustomize
def test_every_pod_is_locked_down(rendered: list[Manifest]) -> None:
    for obj, spec in workloads(rendered):
        where = f"{obj['kind']}/{obj['metadata']['name']}"
        pod = spec.get("securityContext", {})
        assert pod.get("runAsNonRoot") is True, where
        assert pod.get("runAsUser", 0) != 0, where
        assert pod.get("seccompProfile", {}).get("type") == "RuntimeDefault", where
        assert spec.get("automountServiceAccountToken") is False, where
        for _, container in containers(spec):
            context = container.get("securityContext", {})
            assert context.get("readOnlyRootFilesystem") is True, f"{where} {container['name']}"
            assert context.get("allowPrivilegeEscalation") is False, where
            assert context.get("capabilities", {}).get("drop") == ["ALL"], where
            assert "add" not in context.get("capabilities", {}), where
            assert context.get("privileged") is not True, where


@needs_kustomize
def test_images_are_pinned(rendered: list[Manifest]) -> None:
    for _, spec in workloads(rendered):
        for _, container in containers(spec):
            image: str = container["image"]
            name, _, tag = image.rpartition(":") if "@" not in image else (image, "", "digest")
            assert name, f"{image}: no tag"
            assert tag, f"{image}: no tag"
            assert "/" not in tag, f"{image}: no tag (a registry's port only)"
            assert tag != "latest", f"{image}: :latest is not a version"


@needs_kustomize
def test_volume_mounts_and_claims_have_their_volumes(rendered: list[Manifest]) -> None:
    claims = {d["metadata"]["name"] for d in rendered if d["kind"] == "PersistentVolumeClaim"}
    config_maps = {d["metadata"]["name"] for d in rendered if d["kind"] == "ConfigMap"}
    for obj, spec in workloads(rendered):
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        templates = {t["metadata"]["name"] for t in obj["spec"].get("volumeClaimTemplates", [])}
        for _, container in containers(spec):
            for mount in container.get("volumeMounts", []):
                assert mount["name"] in volumes or mount["name"] in templates, mount
            for source in container.get("envFrom", []):
                assert source["configMapRef"]["name"] in config_maps, source
        for volume in volumes.values():
            if "persistentVolumeClaim" in volume:
                assert volume["persistentVolumeClaim"]["claimName"] in claims, volume
            if "configMap" in volume:
                assert volume["configMap"]["name"] in config_maps, volume


@needs_kustomize
def test_secret_references_are_in_the_templates(rendered: list[Manifest]) -> None:
    """Every Secret a pod or the Ingress reads is one the templates (and README) create,
    with that key."""
    templates = {
        d["metadata"]["name"]: set(d.get("stringData", {})) | set(d.get("data", {}))
        for d in load_all(SECRET_TEMPLATES)
    }
    used: set[str] = set()
    for _, spec in workloads(rendered):
        for _, container in containers(spec):
            for env in container.get("env", []):
                ref = env.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["key"] in templates.get(ref["name"], set()), ref
                    used.add(ref["name"])
        for volume in spec.get("volumes", []):
            if "secret" in volume:
                assert volume["secret"]["secretName"] in templates, volume
                used.add(volume["secret"]["secretName"])
    for ingress in (d for d in rendered if d["kind"] == "Ingress"):
        for tls in ingress["spec"]["tls"]:
            assert tls["secretName"] in templates
            used.add(tls["secretName"])
    assert used == set(templates), "a template no manifest uses"
    for template in load_all(SECRET_TEMPLATES):
        assert all(v.startswith("REPLACE-WITH-") for v in template["stringData"].values())


@needs_kustomize
def test_selectors_meet_their_pods(rendered: list[Manifest]) -> None:
    pods = {f"{o['kind']}/{o['metadata']['name']}": pod_labels(o) for o, _ in workloads(rendered)}
    for obj, _ in workloads(rendered):
        selector = obj["spec"].get("selector", {}).get("matchLabels")
        if selector is not None:
            assert matches(selector, pod_labels(obj)), obj["metadata"]["name"]
    for doc in rendered:
        if doc["kind"] == "Service":
            selected = [k for k, labels in pods.items() if matches(doc["spec"]["selector"], labels)]
            assert len(selected) == 1, f"Service/{doc['metadata']['name']} selects {selected}"
        if doc["kind"] == "PodDisruptionBudget":
            selector = doc["spec"]["selector"]["matchLabels"]
            assert [k for k, labels in pods.items() if matches(selector, labels)], doc
    services = {d["metadata"]["name"]: d for d in rendered if d["kind"] == "Service"}
    for ingress in (d for d in rendered if d["kind"] == "Ingress"):
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                ports = {p["name"] for p in services[backend["name"]]["spec"]["ports"]}
                assert backend["port"]["name"] in ports
    for hpa in (d for d in rendered if d["kind"] == "HorizontalPodAutoscaler"):
        target = hpa["spec"]["scaleTargetRef"]
        named(rendered, target["kind"], target["name"])
        assert hpa["spec"]["minReplicas"] >= 2  # the PodDisruptionBudget keeps one up
    mongo = named(rendered, "StatefulSet", "mongo")
    headless = services[mongo["spec"]["serviceName"]]
    assert headless["spec"]["clusterIP"] == "None"


def selects(selector: Manifest, labels: dict[str, str]) -> bool:
    """A label selector (matchLabels and matchExpressions with In) against pod labels."""
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        assert expression["operator"] == "In", "only In is understood here"
        if labels.get(expression["key"]) not in expression["values"]:
            return False
    return True


@needs_kustomize
def test_only_the_pods_that_use_mongodb_reach_it(rendered: list[Manifest]) -> None:
    """The NetworkPolicy lets in every pod whose environment names a mongo member (the API,
    the init Job, the backups) and the members themselves; and no other pod exists."""
    policy = named(rendered, "NetworkPolicy", "mongo")
    mongo = named(rendered, "StatefulSet", "mongo")
    assert selects(policy["spec"]["podSelector"], pod_labels(mongo))
    [rule] = policy["spec"]["ingress"]
    allowed = [peer["podSelector"] for peer in rule["from"]]
    for obj, spec in workloads(rendered):
        uses_mongo = obj is mongo or any(
            "mongo-0.mongo" in json.dumps(container) for _, container in containers(spec)
        )
        admitted = any(selects(selector, pod_labels(obj)) for selector in allowed)
        assert admitted == uses_mongo, f"{obj['kind']}/{obj['metadata']['name']}"
    [port] = rule["ports"]
    assert port["port"] == "mongodb"


@needs_kustomize
def test_the_api_pod(rendered: list[Manifest]) -> None:
    api = named(rendered, "Deployment", "envelopes-api")
    assert "replicas" not in api["spec"], "the HorizontalPodAutoscaler owns replicas"
    [container] = api["spec"]["template"]["spec"]["containers"]
    assert container["command"] == ["python", "-m", "app.serve"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    # the only writable place: the import spool (app/services/imports/reading.py)
    assert {m["mountPath"] for m in container["volumeMounts"]} == {"/tmp"}  # noqa: S108
    env = api_environment(rendered)
    assert env["ENVELOPES_WORKERS"] == "1"
    assert env["ENVELOPES_PORT"] == str(container["ports"][0]["containerPort"])
    assert env["ENVELOPES_PRODUCTION"] == "true"
    assert "$(MONGO_APP_PASSWORD)" in env["ENVELOPES_MONGODB_URI"]
    for member in range(named(rendered, "StatefulSet", "mongo")["spec"]["replicas"]):
        assert f"mongo-{member}.mongo:27017" in env["ENVELOPES_MONGODB_URI"]


def api_environment(rendered: list[Manifest]) -> dict[str, str]:
    """The API container's environment: the ConfigMap's entries, then the `env` list (secret
    references stand for a value of their own)."""
    api = named(rendered, "Deployment", "envelopes-api")
    [container] = api["spec"]["template"]["spec"]["containers"]
    env: dict[str, str] = {}
    for source in container["envFrom"]:
        env.update(named(rendered, "ConfigMap", source["configMapRef"]["name"])["data"])
    for item in container["env"]:
        env[item["name"]] = item.get("value", f"secret-{item['name'].lower()}-" + "0" * 40)
    return env


@needs_kustomize
def test_the_api_environment_is_settings_the_api_reads(
    rendered: list[Manifest], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every ENVELOPES_ variable is a field of Settings (pydantic-settings ignores unknown
    ones, so a typo would go unnoticed), and the values parse as a production Settings."""
    if importlib.util.find_spec("app.serve") is None:
        pytest.skip("app.serve and its settings (workers, host, port) are not merged yet")
    env = api_environment(rendered)
    fields = {f"ENVELOPES_{name.upper()}" for name in Settings.model_fields}
    assert {k for k in env if k.startswith("ENVELOPES_")} - fields == set()
    for name in list(fields):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings: Any = Settings()
    assert settings.production
    assert not settings.dev_mode
    assert settings.workers == 1


@needs_kustomize
def test_the_replica_set_and_its_backups(rendered: list[Manifest]) -> None:
    mongo = named(rendered, "StatefulSet", "mongo")
    assert mongo["spec"]["replicas"] == 3
    [mongod] = mongo["spec"]["template"]["spec"]["containers"]
    script = mongod["command"][-1]
    assert "--replSet rs0" in script
    assert "--keyFile /keys/keyfile" in script
    assert mongo["spec"]["volumeClaimTemplates"][0]["spec"]["accessModes"] == ["ReadWriteOnce"]
    init = named(rendered, "Job", "mongo-init")
    [runner] = init["spec"]["template"]["spec"]["containers"]
    members = next(e["value"] for e in runner["env"] if e["name"] == "MONGO_MEMBERS")
    assert members.split() == [f"mongo-{i}.mongo" for i in range(3)]
    backup = named(rendered, "CronJob", "mongo-backup")
    [dump] = backup["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    script = dump["command"][-1]
    assert "--oplog" in script
    assert "--archive" in script
    assert "-mtime +30 -print -delete" in script
    assert backup["spec"]["concurrencyPolicy"] == "Forbid"


def test_the_init_script_is_the_compose_one() -> None:
    """deploy/k8s/base/init-replica.sh is a copy (kustomize reads only files under its
    kustomization): it must not drift from containers/mongo/init-replica.sh."""
    ours = (K8S / "base" / "init-replica.sh").read_bytes()
    assert ours == (REPO / "containers" / "mongo" / "init-replica.sh").read_bytes()


def test_the_small_cluster_overlay() -> None:
    if kustomize_command() is None:
        pytest.skip("no kustomize renderer")
    docs = render(KUSTOMIZATIONS["small-cluster"])
    for obj, spec in workloads(docs):
        assert spec.get("nodeSelector") == {"kubernetes.io/arch": "arm64"}, obj["metadata"]
    mongo = named(docs, "StatefulSet", "mongo")
    assert mongo["spec"]["volumeClaimTemplates"][0]["spec"]["storageClassName"] == "local-path"
    [mongod] = mongo["spec"]["template"]["spec"]["containers"]
    assert {"name": "WIREDTIGER_CACHE_GB", "value": "0.25"} in mongod["env"]
    backups = named(docs, "PersistentVolumeClaim", "mongo-backups")
    assert backups["spec"]["storageClassName"] == "local-path"
    ingress = named(docs, "Ingress", "envelopes-api")
    assert ingress["spec"]["ingressClassName"] == "traefik"
    assert ingress["spec"]["tls"][0]["hosts"] == [ingress["spec"]["rules"][0]["host"]]
    api = named(docs, "Deployment", "envelopes-api")
    [container] = api["spec"]["template"]["spec"]["containers"]
    assert container["image"].startswith("registry.example.org/envelopes/api:")
    assert named(docs, "HorizontalPodAutoscaler", "envelopes-api")["spec"]["maxReplicas"] == 3
