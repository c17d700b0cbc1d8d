"""deploy/: the container and Kubernetes descriptions parse and hang together.

No container engine runs here, so these are syntax and structure checks: YAML parses, every reference
(service, network, volume, secret key, config key, label selector, port name, file) points at something that
exists, the official Rasa images are the bases, and every variable endpoints.yml needs reaches the Rasa
containers. `docker compose config` runs too where the compose plugin exists. Each image holds every module
it runs: the files its build context sends (after its .dockerignore) and its COPY lines take are checked
against the modules credentials.yml, endpoints.yml, config.yml and every entrypoint and command name, and
all they import of ours.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Set

import pytest
import yaml

from bot.server.settings import ROOT
from tests.support.imports import first_party_closure, module_file, module_name, python_files

DEPLOY = ROOT / "deploy"
K8S = DEPLOY / "k8s"
RASA_IMAGE = "rasa/rasa:3.6.21-full"
SDK_IMAGE = "rasa/rasa-sdk:3.6.2"


def endpoint_variables() -> Set[str]:
    """The ${VARS} endpoints.yml substitutes: each Rasa container must have them all."""
    return set(re.findall(r"\$\{(\w+)\}", (ROOT / "endpoints.yml").read_text()))


def load_compose() -> Dict[str, Any]:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())


def k8s_documents() -> List[Dict[str, Any]]:
    documents = []
    for path in sorted(K8S.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text()):
            if document:
                document["__file__"] = path.name
                documents.append(document)
    return documents


# ============================================================== Dockerfiles
@pytest.mark.parametrize(
    "dockerfile, base", [("Dockerfile.rasa", RASA_IMAGE), ("Dockerfile.actions", SDK_IMAGE)]
)
def test_dockerfiles_build_on_the_official_images_and_copy_files_that_exist(
    dockerfile: str, base: str
) -> None:
    text = (DEPLOY / dockerfile).read_text()
    assert re.findall(r"^FROM (\S+)", text, re.M) == [base]
    assert re.search(r"RASA_TELEMETRY_ENABLED=false", text)
    assert re.search(r"LOG_LEVEL=INFO", text)
    assert re.search(r"^USER 1001$", text, re.M), "runs as the images' unprivileged user"
    for line in re.findall(r"^COPY (.+)$", text, re.M):
        for source in line.split()[:-1]:
            if not source.startswith("$"):
                assert (ROOT / source).exists(), f"{dockerfile}: COPY {source} does not exist"
    ignore = (DEPLOY / f"{dockerfile}.dockerignore").read_text().split()
    assert ".env" in ignore and ".venv" in ignore and "*.db" in ignore, "no secrets or data in the image"


def test_the_action_image_runs_the_wrapper_not_the_bare_sdk() -> None:
    text = (DEPLOY / "Dockerfile.actions").read_text()
    assert "actions.server" in text and "rasa_sdk" not in text.split("ENTRYPOINT")[1]


# ============================================================== docker compose
def test_compose_services_reference_what_exists() -> None:
    compose = load_compose()
    services = compose["services"]
    assert {"postgres", "redis", "actions", "rasa-1", "rasa-2", "lb", "directory-load", "purge"} <= set(
        services
    )
    networks, volumes = set(compose.get("networks", {})), set(compose.get("volumes", {}))
    for name, service in services.items():
        assert "image" in service or "build" in service, name
        for dependency, condition in (service.get("depends_on") or {}).items():
            assert dependency in services, f"{name} depends on unknown {dependency}"
            assert condition["condition"] in {
                "service_started",
                "service_healthy",
                "service_completed_successfully",
            }
            if condition["condition"] == "service_healthy":
                assert "healthcheck" in services[dependency], f"{dependency} has no healthcheck"
        for network in service.get("networks", []):
            assert network in networks, f"{name}: unknown network {network}"
        for mount in service.get("volumes", []):
            source = mount.split(":")[0]
            if source.startswith("./"):
                assert (DEPLOY / source).is_file(), f"{name}: {source} missing"
            else:
                assert source in volumes, f"{name}: unknown volume {source}"
        build = service.get("build")
        if build:
            assert (DEPLOY / build["context"] / build["dockerfile"]).is_file()


def test_only_the_load_balancer_is_published_and_the_app_network_has_no_way_out() -> None:
    compose = load_compose()
    published = {name for name, service in compose["services"].items() if service.get("ports")}
    assert published == {"lb"}
    assert compose["networks"]["internal"]["internal"] is True
    for name, service in compose["services"].items():
        if name != "lb":
            assert service["networks"] == ["internal"], name


def test_compose_rasa_replicas_share_the_stores_and_get_every_endpoint_variable() -> None:
    services = load_compose()["services"]
    replicas = [services["rasa-1"], services["rasa-2"]]
    for service in replicas:
        environment = service["environment"]
        assert endpoint_variables() <= set(environment), endpoint_variables() - set(environment)
        assert environment["TRACKER_DB_URL"].startswith("postgresql://")
        assert environment["REDIS_URL"].startswith("redis://")
        assert service["image"] == replicas[0]["image"]
        assert "/status?token=" in " ".join(service["healthcheck"]["test"])
    assert replicas[0]["environment"] == replicas[1]["environment"], "two replicas of one configuration"
    assert replicas[0]["build"]["dockerfile"] == "deploy/Dockerfile.rasa"


def test_every_python_service_runs_at_info_with_telemetry_off() -> None:
    services = load_compose()["services"]
    for name in ("rasa-1", "rasa-2", "actions", "directory-load", "purge"):
        environment = services[name]["environment"]
        assert environment["RASA_TELEMETRY_ENABLED"] == "false" and environment["LOG_LEVEL"] == "INFO", name


def test_compose_purge_is_the_retention_command() -> None:
    purge = load_compose()["services"]["purge"]
    assert purge["command"] == ["ops", "purge", "--older-than-days", "30"]
    assert purge["profiles"] == ["ops"], "runs only when called (cron), never with `up`"


def test_compose_variables_are_documented_in_env_example() -> None:
    used = set(re.findall(r"\$\{(\w+)", (DEPLOY / "docker-compose.yml").read_text()))
    documented = set(re.findall(r"^#?\s*(\w+)=", (ROOT / ".env.example").read_text(), re.M))
    assert used <= documented, f"not in .env.example: {sorted(used - documented)}"


def test_nginx_forwards_the_chat_channels_only() -> None:
    text = (DEPLOY / "nginx.conf").read_text()
    locations = re.findall(r"location\s+(=\s+)?(\S+)\s*\{", text)
    assert {path for _, path in locations} == {"/webhooks/rest/webhook", "/socket.io/", "/"}
    assert re.search(r"location / \{ return 404; \}", text)
    assert "access_log off" in text and "limit_req_zone" in text


@pytest.mark.skipif(shutil.which("docker") is None, reason="no docker client")
def test_docker_compose_config_accepts_the_file(tmp_path: Path) -> None:
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip("the docker compose plugin is not installed here")
    env_file = tmp_path / ".env"
    env_file.write_text("POSTGRES_PASSWORD=x\nRASA_API_TOKEN=y\nMODEL=models/m.tar.gz\n")
    result = subprocess.run(
        [
            "docker",
            "compose",
            "-f",
            str(DEPLOY / "docker-compose.yml"),
            "--env-file",
            str(env_file),
            "config",
            "--quiet",
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


# ============================================================== Kubernetes
def by_kind(documents: Iterable[Dict[str, Any]], *kinds: str) -> List[Dict[str, Any]]:
    return [d for d in documents if d["kind"] in kinds]


def pod_spec(workload: Dict[str, Any]) -> Dict[str, Any]:
    if workload["kind"] == "CronJob":
        return workload["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    return workload["spec"]["template"]["spec"]


def pod_labels(workload: Dict[str, Any]) -> Dict[str, str]:
    template = (
        workload["spec"]["jobTemplate"]["spec"]["template"]
        if workload["kind"] == "CronJob"
        else workload["spec"]["template"]
    )
    return template["metadata"].get("labels", {})


def test_every_manifest_has_the_basic_fields() -> None:
    documents = k8s_documents()
    assert documents
    for document in documents:
        assert document.get("apiVersion") and document.get("kind"), document["__file__"]
        if document["kind"] != "Kustomization":
            assert document.get("metadata", {}).get("name"), document["__file__"]


def test_kustomization_lists_every_manifest_but_the_example_secret() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    listed = set(kustomization["resources"])
    on_disk = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml", "secret.example.yaml"}
    assert listed == on_disk
    images = {image["name"] for image in kustomization["images"]}
    used = {
        c["image"]
        for w in by_kind(k8s_documents(), "Deployment", "StatefulSet", "Job", "CronJob")
        for c in pod_spec(w)["containers"]
        if c["image"].startswith("camhs-signposting/")
    }
    assert used == images


def test_workloads_select_their_own_pods_and_reference_existing_config() -> None:
    documents = k8s_documents()
    secret = next(d for d in documents if d["kind"] == "Secret")
    secret_keys = set(secret["stringData"])
    config_maps = {d["metadata"]["name"]: d for d in documents if d["kind"] == "ConfigMap"}
    for workload in by_kind(documents, "Deployment", "StatefulSet"):
        assert workload["spec"]["selector"]["matchLabels"].items() <= pod_labels(workload).items()
    for workload in by_kind(documents, "Deployment", "StatefulSet", "Job", "CronJob"):
        spec = pod_spec(workload)
        for container in spec["containers"]:
            assert container.get("name") and container.get("image")
            for env in container.get("env", []):
                reference = env.get("valueFrom", {}).get("secretKeyRef")
                if reference:
                    assert reference["name"] == "camhs-secrets" and reference["key"] in secret_keys, env
            for source in container.get("envFrom", []):
                assert source["configMapRef"]["name"] in config_maps
        for volume in spec.get("volumes", []):
            if "configMap" in volume:
                assert volume["configMap"]["name"] in config_maps


def test_services_and_ingresses_point_at_pods_and_named_ports() -> None:
    documents = k8s_documents()
    workloads = by_kind(documents, "Deployment", "StatefulSet")
    services = {d["metadata"]["name"]: d for d in documents if d["kind"] == "Service"}
    for service in services.values():
        targets = [w for w in workloads if service["spec"]["selector"].items() <= pod_labels(w).items()]
        assert targets, f"service {service['metadata']['name']} selects no pods"
        port_names = {
            p["name"] for w in targets for c in pod_spec(w)["containers"] for p in c.get("ports", [])
        }
        for port in service["spec"]["ports"]:
            assert port["targetPort"] in port_names
    for ingress in by_kind(documents, "Ingress"):
        for rule in ingress["spec"]["rules"]:
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                assert backend["name"] in services
                assert backend["port"]["name"] in {
                    p["name"] for p in services[backend["name"]]["spec"]["ports"]
                }
                assert path["path"] in ("/webhooks/rest/webhook", "/socket.io/"), "chat channels only"


def test_rasa_runs_two_replicas_with_readiness_on_status_and_every_endpoint_variable() -> None:
    documents = k8s_documents()
    rasa = next(d for d in by_kind(documents, "Deployment") if d["metadata"]["name"] == "rasa")
    assert rasa["spec"]["replicas"] >= 2
    container = pod_spec(rasa)["containers"][0]
    assert "/status?token=" in " ".join(container["readinessProbe"]["exec"]["command"])
    config = next(
        d for d in documents if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "camhs-config"
    )
    available = set(config["data"]) | {env["name"] for env in container.get("env", [])}
    assert endpoint_variables() <= available, endpoint_variables() - available
    assert config["data"]["RASA_TELEMETRY_ENABLED"] == "false" and config["data"]["LOG_LEVEL"] == "INFO"
    actions = next(d for d in by_kind(documents, "Deployment") if d["metadata"]["name"] == "actions")
    probe = pod_spec(actions)["containers"][0]["readinessProbe"]["httpGet"]
    assert probe["path"] == "/health"


def test_the_retention_cronjob_runs_the_purge_command() -> None:
    cronjob = by_kind(k8s_documents(), "CronJob")[0]
    command = pod_spec(cronjob)["containers"][0]["command"]
    assert command == ["python", "-m", "ops", "purge", "--older-than-days", "30"]
    assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"


def test_network_policy_denies_egress_outside_the_cluster() -> None:
    policies = by_kind(k8s_documents(), "NetworkPolicy")
    default = next(p for p in policies if p["spec"]["podSelector"] == {})
    assert "Egress" in default["spec"]["policyTypes"]
    for rule in default["spec"]["egress"]:
        for peer in rule["to"]:
            assert "ipBlock" not in peer, "no address outside the cluster is allowed"


# ============================================================== what each image holds
# Image name (compose and Kubernetes) -> its Dockerfile.
IMAGES = {"camhs-signposting/rasa": "Dockerfile.rasa", "camhs-signposting/actions": "Dockerfile.actions"}
APP = "/app"  # WORKDIR and PYTHONPATH of both images


def _ignore_regex(pattern: str) -> "re.Pattern[str]":
    """A .dockerignore pattern as a regex over a path relative to the context (Go filepath.Match, plus
    `**` for any number of folders)."""
    out, i = "", 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif pattern.startswith("**", i):
            out, i = out + ".*", i + 2
        elif pattern[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif pattern[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(pattern[i]), i + 1
    return re.compile(out)


def ignored(path: str, patterns: List[str]) -> bool:
    """Docker's rule: the last pattern that matches the path, or a folder above it, decides; `!` keeps."""
    parents = [path] + ["/".join(path.split("/")[:n]) for n in range(1, path.count("/") + 1)]
    verdict = False
    for pattern in patterns:
        keep = pattern.startswith("!")
        regex = _ignore_regex(pattern.lstrip("!").strip("/"))
        if any(regex.fullmatch(p) for p in parents):
            verdict = not keep
    return verdict


def build_context(dockerfile: str) -> List[str]:
    """The files (git-tracked, relative to the repository root) that the build context sends."""
    lines = (DEPLOY / f"{dockerfile}.dockerignore").read_text().splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [path for path in tracked.stdout.splitlines() if not ignored(path, patterns)]


def image_files(dockerfile: str) -> Set[str]:
    """Paths inside the image of every context file its COPY lines take (build arguments left out)."""
    context = build_context(dockerfile)
    found: Set[str] = set()
    for line in re.findall(r"^COPY (.+)$", (DEPLOY / dockerfile).read_text(), re.M):
        *sources, destination = line.split()
        for source in (s for s in sources if not s.startswith("$")):
            source = source.rstrip("/")
            for path in context:
                if path == source:
                    found.add(destination if not destination.endswith("/") else destination + Path(path).name)
                elif path.startswith(source + "/"):
                    found.add(destination.rstrip("/") + path[len(source) :])
    return found


def _dockerfile_argv(dockerfile: str, instruction: str) -> List[str]:
    match = re.search(rf"^{instruction} (\[.*\])$", (DEPLOY / dockerfile).read_text(), re.M)
    return json.loads(match.group(1)) if match else []


def _python_module(argv: List[str]) -> Optional[str]:
    """`python -m X ...` -> X (its `__main__` when X is a package); None for any other program."""
    if argv[:2] != ["python", "-m"] or len(argv) < 3:
        return None
    return f"{argv[2]}.__main__" if module_file(f"{argv[2]}.__main__") else argv[2]


def commands_by_image() -> Dict[str, List[List[str]]]:
    """Every command line the deployment runs in our images: the Dockerfiles' own, each compose service's
    and each Kubernetes container's (an override of the entrypoint or of the command counts as in Docker)."""
    runs: Dict[str, List[List[str]]] = {name: [] for name in IMAGES.values()}
    for dockerfile in runs:
        runs[dockerfile].append(
            _dockerfile_argv(dockerfile, "ENTRYPOINT") + _dockerfile_argv(dockerfile, "CMD")
        )
    containers = [
        (service.get("image", ""), service.get("entrypoint"), service.get("command"))
        for service in load_compose()["services"].values()
    ]
    for workload in by_kind(k8s_documents(), "Deployment", "StatefulSet", "Job", "CronJob"):
        containers += [
            (c["image"], c.get("command"), c.get("args")) for c in pod_spec(workload)["containers"]
        ]
    for image, entrypoint, command in containers:
        dockerfile = IMAGES.get(image.split(":")[0])
        if dockerfile is None:
            continue
        entry = entrypoint if entrypoint is not None else _dockerfile_argv(dockerfile, "ENTRYPOINT")
        args = command if command is not None else _dockerfile_argv(dockerfile, "CMD")
        runs[dockerfile].append(list(entry) + list(args))
    return runs


def modules_named_in_rasa_files() -> Set[str]:
    """The Python classes credentials.yml, endpoints.yml and config.yml make Rasa import (as modules)."""
    names: Set[str] = set(yaml.safe_load((ROOT / "credentials.yml").read_text()))
    endpoints = yaml.safe_load((ROOT / "endpoints.yml").read_text())
    names |= {
        section["type"] for section in endpoints.values() if isinstance(section, dict) and "type" in section
    }
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    names |= {part["name"] for key in ("pipeline", "policies") for part in config[key]}
    return {name.rpartition(".")[0] for name in names if "." in name}


def entry_modules(dockerfile: str) -> Set[str]:
    """The first-party modules each image must be able to import to do what the deployment runs in it."""
    modules: Set[str] = set()
    for argv in commands_by_image()[dockerfile]:
        module = _python_module(argv)
        if module:
            modules.add(module)
        if "--actions" in argv:  # rasa-sdk imports every module of the actions package
            package = argv[argv.index("--actions") + 1]
            modules |= {module_name(path) for path in python_files(package)}
        if argv[:2] == ["rasa", "run"]:
            modules |= modules_named_in_rasa_files()
    return modules


def test_the_deployment_runs_the_commands_this_test_reads() -> None:
    """A guard for the test below: it must have found the servers and jobs it is meant to check."""
    assert modules_named_in_rasa_files() >= {"bot.server.channels", "bot.server.widget_channel"}
    assert {"actions.server", "directory.__main__"} <= entry_modules("Dockerfile.actions")
    assert {"ops.__main__", "bot.server.channels"} <= entry_modules("Dockerfile.rasa")


@pytest.mark.parametrize("dockerfile", sorted(IMAGES.values()))
def test_every_module_the_image_runs_is_in_its_build_context_and_copied(dockerfile: str) -> None:
    """The modules named in credentials.yml, endpoints.yml, config.yml and every entrypoint, and all they
    import of ours, are sent by the .dockerignore'd context and copied to where PYTHONPATH finds them."""
    inside = image_files(dockerfile)
    needed = first_party_closure(entry_modules(dockerfile))
    missing = sorted(
        module
        for module in needed
        if f"{APP}/{module_file(module).relative_to(ROOT).as_posix()}" not in inside  # type: ignore[union-attr]
    )
    assert missing == []


def test_the_lexicons_config_yml_names_are_in_the_rasa_image() -> None:
    config = yaml.safe_load((ROOT / "config.yml").read_text())
    files = [path for part in config["pipeline"] for path in part.get("lexicons", [])]
    assert files and all(f"{APP}/{path}" in image_files("Dockerfile.rasa") for path in files)


@pytest.mark.parametrize(
    ("path", "patterns", "expected"),
    [
        ("web/static/a.js", ["web"], True),
        ("bot/server/x.py", ["web"], False),
        ("bot/a/__pycache__/x.pyc", ["**/__pycache__"], True),
        ("tests/x.py", ["tests", "!tests/x.py"], False),
        ("data.db", ["*.db"], True),
        ("sub/data.db", ["*.db"], False),  # Docker anchors patterns at the context root
    ],
)
def test_dockerignore_matching(path: str, patterns: List[str], expected: bool) -> None:
    assert ignored(path, patterns) is expected
