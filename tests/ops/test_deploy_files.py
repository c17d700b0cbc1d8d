"""deploy/: the container and Kubernetes descriptions parse and hang together.

No container engine runs here, so these are syntax and structure checks: YAML parses, every reference
(service, network, volume, secret key, config key, label selector, port name, file) points at something that
exists, the official Rasa images are the bases, and every variable endpoints.yml needs reaches the Rasa
containers. `docker compose config` runs too where the compose plugin exists.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any, Dict, Iterable, List, Set

import pytest
import yaml

from bot.server.settings import ROOT

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
                assert (DEPLOY / source).exists(), f"{name}: {source} missing"
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
        assert "/ready'" in " ".join(service["healthcheck"]["test"])
        assert environment["REST_CHANNEL"] == "off" and environment["CLIENT_ADDRESS_HEADER"] == "X-Real-IP"
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


def test_nginx_forwards_socketio_only_over_tls_rate_limited_without_logs() -> None:
    text = (DEPLOY / "nginx.conf").read_text()
    locations = re.findall(r"location\s+(=\s+)?(\S+)\s*\{", text)
    assert {path for _, path in locations} == {"/socket.io/", "/"}
    assert re.search(r"location / \{ return 404; \}", text)
    assert re.search(r"location / \{ return 301 https://", text), "plain HTTP only redirects"
    assert "listen 8443 ssl" in text and "ssl_protocols TLSv1.2 TLSv1.3" in text
    assert "access_log off" in text and "error_log /dev/stderr crit" in text
    socketio = text[text.index("location /socket.io/") :]
    assert "limit_req zone=socketio" in socketio.split("}")[0], "the socket.io path is rate-limited"
    for header in (
        "Strict-Transport-Security",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "X-Frame-Options",
    ):
        assert f"add_header {header}" in text, header
    assert "cookie" not in text.split("#")[0].lower() or "sticky" not in text, "no cookie stickiness"


def test_no_secret_or_admin_api_on_any_command_line() -> None:
    """Secrets come from the environment only; Rasa's HTTP API (--enable-api) is never started."""
    files = [
        DEPLOY / "docker-compose.yml",
        DEPLOY / "Dockerfile.rasa",
        *sorted((DEPLOY / "k8s").glob("*.yaml")),
    ]
    for path in files:
        text = path.read_text()
        assert "--enable-api" not in text.replace("No --enable-api", ""), path.name
        assert "--auth-token" not in text and "RASA_API_TOKEN" not in text, path.name
    for service in load_compose()["services"].values():
        assert "PASSWORD" not in " ".join(map(str, service.get("command", []))), "no secret in a command"


def test_the_k8s_ingress_is_tls_socketio_only_cookieless_and_quiet() -> None:
    ingress = by_kind(k8s_documents(), "Ingress")
    assert len(ingress) == 1
    annotations = ingress[0]["metadata"]["annotations"]
    assert ingress[0]["spec"]["tls"], "TLS at the ingress"
    assert annotations["nginx.ingress.kubernetes.io/enable-access-log"] == "false"
    assert "nginx.ingress.kubernetes.io/limit-rps" in annotations
    assert not any("affinity" in key or "cookie" in key for key in annotations), "docs/privacy.md: no cookies"
    assert "Strict-Transport-Security" in annotations["nginx.ingress.kubernetes.io/configuration-snippet"]


@pytest.mark.skipif(shutil.which("docker") is None, reason="no docker client")
def test_docker_compose_config_accepts_the_file(tmp_path: Path) -> None:
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip("the docker compose plugin is not installed here")
    env_file = tmp_path / ".env"
    env_file.write_text("POSTGRES_PASSWORD=x\nCONVERSATION_ID_SECRET=y\nMODEL=models/m.tar.gz\n")
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
                assert path["path"] == "/socket.io/", "the widget's channel only"


def test_rasa_runs_two_replicas_with_readiness_on_ready_and_every_endpoint_variable() -> None:
    documents = k8s_documents()
    rasa = next(d for d in by_kind(documents, "Deployment") if d["metadata"]["name"] == "rasa")
    assert rasa["spec"]["replicas"] >= 2
    container = pod_spec(rasa)["containers"][0]
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
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
