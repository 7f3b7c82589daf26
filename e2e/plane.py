"""A local Kubernetes control plane for the end-to-end tests, from the tools `make e2e-tools` built.

etcd, kube-apiserver (RBAC, the default admission plugins with PodSecurity), kube-controller-manager,
kube-scheduler and kwok faking the nodes, so Deployments get Ready pods. Everything listens on
127.0.0.1 on free ports, certificates are made at start, data lives in one folder.

    python -m e2e.plane up      # make e2e-up: start one for a person, print what to export
    python -m e2e.plane env     # make e2e-env: the shell exports for the running one
    python -m e2e.plane down    # make e2e-down: stop it and remove its folder

Tests use `ControlPlane` as a context manager: the processes die with the test run (also when it
is killed), and the folder is removed.
"""

import contextlib
import ctypes
import datetime
import functools
import ipaddress
import json
import os
import shlex
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from e2e import tools

#: How long the whole plane may take to come up before the failing component is named.
START_TIMEOUT = 60.0
#: The passphrase of the sample stacks' secrets (stacks/Pulumi.dev.yaml says so).
PASSPHRASE = "fluxlit-dev"
SERVICE_CIDR = "10.0.0.0/24"
FAKE_NODE = "kwok.x-k8s.io/node"


class PlaneError(Exception):
    """The plane could not start or be found; the message names the component and its last log lines."""


def person_dir() -> Path:
    """Where `make e2e-up` keeps the one plane of this machine."""
    if explicit := os.environ.get("FLUXLIT_SECRETS_PLANE"):
        return Path(explicit)
    return tools.cache_dir() / "plane"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- certificates -----------------------------------------------------------------------------


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _pem_key(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _name(cn: str, org: str | None = None) -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COMMON_NAME, cn)]
    if org:
        parts.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    return x509.Name(parts)


@dataclass
class Pki:
    """A CA made for one plane, and the certificates it signs."""

    folder: Path
    ca_key: ec.EllipticCurvePrivateKey = field(default_factory=_key)

    def __post_init__(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        now = datetime.datetime.now(datetime.UTC)
        name = _name("fluxlit-secrets-e2e-ca")
        self.ca_cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(self.ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=7))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(True, False, False, False, False, True, True, False, False), critical=True)
            .sign(self.ca_key, hashes.SHA256())
        )
        self.ca = self.folder / "ca.crt"
        self.ca.write_bytes(self.ca_cert.public_bytes(serialization.Encoding.PEM))

    def issue(self, file: str, cn: str, org: str | None = None, server: bool = False) -> tuple[Path, Path]:
        """A certificate and key under the CA: a client one, or a serving one for loopback and the service IP."""
        key = _key()
        now = datetime.datetime.now(datetime.UTC)
        usage = ExtendedKeyUsageOID.SERVER_AUTH if server else ExtendedKeyUsageOID.CLIENT_AUTH
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(cn, org))
            .issuer_name(self.ca_cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=7))
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        )
        if server:
            service_ip = next(ipaddress.IPv4Network(SERVICE_CIDR).hosts())
            builder = builder.add_extension(
                x509.SubjectAlternativeName(
                    [
                        x509.IPAddress(ipaddress.IPv4Address("127.0.0.1")),
                        x509.IPAddress(service_ip),
                        x509.DNSName("localhost"),
                        x509.DNSName("kubernetes"),
                        x509.DNSName("kubernetes.default"),
                        x509.DNSName("kubernetes.default.svc"),
                        x509.DNSName("kubernetes.default.svc.cluster.local"),
                    ]
                ),
                critical=False,
            )
        cert = builder.sign(self.ca_key, hashes.SHA256())
        crt, pem = self.folder / f"{file}.crt", self.folder / f"{file}.key"
        crt.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        pem.write_bytes(_pem_key(key))
        pem.chmod(0o600)
        return crt, pem

    def signing_key(self) -> tuple[Path, Path]:
        """The ServiceAccount token signing key pair."""
        key = _key()
        private, public = self.folder / "sa.key", self.folder / "sa.pub"
        private.write_bytes(_pem_key(key))
        private.chmod(0o600)
        public.write_bytes(
            key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        )
        return private, public


def kubeconfig(path: Path, server: str, ca: Path, crt: Path, key: Path, user: str) -> Path:
    """A kubeconfig with one cluster, one user and one current context (JSON is valid YAML)."""
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "fluxlit-e2e", "cluster": {"server": server, "certificate-authority": str(ca)}}],
        "users": [{"name": user, "user": {"client-certificate": str(crt), "client-key": str(key)}}],
        "contexts": [{"name": "fluxlit-e2e", "context": {"cluster": "fluxlit-e2e", "user": user}}],
        "current-context": "fluxlit-e2e",
    }
    path.write_text(json.dumps(config, indent=2))
    path.chmod(0o600)
    return path


# --- processes --------------------------------------------------------------------------------


def _die_with_parent() -> None:
    """In the child: receive SIGKILL when the process that started it dies (Linux prctl)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


@dataclass
class Component:
    """One process of the plane."""

    name: str
    argv: list[str]
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def tail(self, lines: int = 15) -> str:
        try:
            text = self.log.read_text(errors="replace").splitlines()
        except OSError:
            return "(no log)"
        return "\n".join(f"    {line}" for line in text[-lines:]) or "    (empty log)"

    def exited(self) -> int | None:
        return None if self.process is None else self.process.poll()


def http_get(url: str, context: ssl.SSLContext | None = None, timeout: float = 2.0) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, context=context, timeout=timeout) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as error:
        return int(error.code), bytes(error.read())


@dataclass
class ControlPlane:
    """A control plane in `root`: started by start(), stopped (and the folder removed) by stop()."""

    root: Path
    tool_set: tools.ToolSet
    nodes: int = 1
    #: True: the processes outlive this Python process (make e2e-up); False: they die with it.
    detach: bool = False
    keep_root: bool = False
    components: list[Component] = field(default_factory=list)
    ports: dict[str, int] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)
    #: Seconds the whole start may take (start() sets it).
    timeout: float = START_TIMEOUT

    # -- what a client needs

    @property
    def kubeconfig(self) -> Path:
        return self.root / "pki" / "admin.kubeconfig"

    @property
    def server(self) -> str:
        return f"https://127.0.0.1:{self.ports['apiserver']}"

    def env(self) -> dict[str, str]:
        """The environment for the Pulumi CLI and kubectl against this plane, with the local backend."""
        return {
            "PATH": f"{self.tool_set.bin}{os.pathsep}{os.environ.get('PATH', '')}",
            "KUBECONFIG": str(self.kubeconfig),
            "PULUMI_HOME": str(self.root / "pulumi-home"),
            "PULUMI_BACKEND_URL": f"file://{self.root / 'state'}",
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_SKIP_UPDATE_CHECK": "true",
            "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
            "PULUMI_DISABLE_REGISTRY_RESOLVE": "true",
        }

    def ssl_context(self) -> ssl.SSLContext:
        pki = self.root / "pki"
        context = ssl.create_default_context(cafile=str(pki / "ca.crt"))
        context.load_cert_chain(str(pki / "admin.crt"), str(pki / "admin.key"))
        return context

    def api(self, method: str, path: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, Any]]:
        """One request to the API server as the admin."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.server + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, context=self.ssl_context(), timeout=10) as response:
                return int(response.status), json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            return int(error.code), json.loads(error.read() or b"{}")

    # -- life cycle

    def __enter__(self) -> "ControlPlane":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self, timeout: float = START_TIMEOUT) -> None:
        """Start every component in order; PlaneError names the one that did not come up."""
        self.timeout = timeout
        deadline = time.monotonic() + timeout
        try:
            for directory in ("pki", "logs", "etcd", "pulumi-home", "state"):
                (self.root / directory).mkdir(parents=True, exist_ok=True)
            self._pki()
            self._start("etcd", self._etcd_argv, self._etcd_ready, deadline)
            self._start("kube-apiserver", self._apiserver_argv, self._apiserver_ready, deadline)
            self._start("kube-controller-manager", self._controller_manager_argv, self._secure_ready, deadline)
            self._start("kube-scheduler", self._scheduler_argv, self._secure_ready, deadline)
            self._start("kwok", self._kwok_argv, self._kwok_ready, deadline)
            self._nodes(deadline)
            self._await("kube-controller-manager", self._default_service_account, deadline)
            self._write_state()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop the components in reverse order (SIGTERM, SIGKILL after 10 s) and remove the folder.

        etcd goes last: an API server whose etcd is gone keeps retrying instead of shutting down.
        """
        for component in reversed(self.components):
            process = component.process
            if process is None or process.poll() is not None:
                continue
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.components.clear()
        if not self.keep_root:
            shutil.rmtree(self.root, ignore_errors=True)

    # -- components

    def _start(
        self,
        name: str,
        argv: Callable[[], list[str]],
        ready: Callable[[Component], bool],
        deadline: float,
        attempts: int = 3,
    ) -> None:
        """Start a component; a port taken between choosing and binding it is retried on another."""
        for attempt in range(attempts):
            component = Component(name, argv(), self.root / "logs" / f"{name}.log")
            self.components.append(component)
            with component.log.open("ab") as log:
                component.process = subprocess.Popen(
                    component.argv,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=self.root,
                    start_new_session=True,
                    preexec_fn=None if self.detach else _die_with_parent,  # noqa: PLW1509 no threads yet
                )
            try:
                self._await(name, functools.partial(ready, component), deadline, component)
                return
            except PlaneError:
                if "address already in use" in component.tail(40) and attempt + 1 < attempts:
                    self.components.remove(component)
                    component.process.wait()
                    continue
                raise

    def _await(self, name: str, ready: Callable[[], bool], deadline: float, component: Component | None = None) -> None:
        owner = component or next((c for c in self.components if c.name == name), None)
        while time.monotonic() < deadline:
            if owner is not None and (code := owner.exited()) is not None:
                raise PlaneError(f"{name} exited with status {code} at start; its last log lines:\n{owner.tail()}")
            with contextlib.suppress(OSError, ValueError):
                if ready():
                    return
            time.sleep(0.2)
        tail = owner.tail() if owner else ""
        raise PlaneError(f"{name} was not ready within {self.timeout:.0f} s; its last log lines:\n{tail}")

    #: Who each kubeconfig authenticates as (common name, organization).
    USERS: ClassVar[dict[str, tuple[str, str | None]]] = {
        "admin": ("fluxlit-e2e-admin", "system:masters"),
        "controller-manager": ("system:kube-controller-manager", None),
        "scheduler": ("system:kube-scheduler", None),
        "kwok": ("kwok-controller", "system:masters"),
    }

    def _pki(self) -> None:
        pki = Pki(self.root / "pki")
        self.paths["ca"] = pki.ca
        self.paths["apiserver.crt"], self.paths["apiserver.key"] = pki.issue("apiserver", "kube-apiserver", server=True)
        self.paths["sa.key"], self.paths["sa.pub"] = pki.signing_key()
        for user, (cn, org) in self.USERS.items():
            self.paths[f"{user}.crt"], self.paths[f"{user}.key"] = pki.issue(user, cn, org)

    def _etcd_argv(self) -> list[str]:
        client, peer = free_port(), free_port()
        self.ports["etcd"], self.ports["etcd-peer"] = client, peer
        data = self.root / "etcd"
        shutil.rmtree(data, ignore_errors=True)
        return [
            str(self.tool_set.bin / "etcd"),
            "--name=fluxlit-e2e",
            f"--data-dir={data}",
            f"--listen-client-urls=http://127.0.0.1:{client}",
            f"--advertise-client-urls=http://127.0.0.1:{client}",
            f"--listen-peer-urls=http://127.0.0.1:{peer}",
            f"--initial-advertise-peer-urls=http://127.0.0.1:{peer}",
            f"--initial-cluster=fluxlit-e2e=http://127.0.0.1:{peer}",
            "--unsafe-no-fsync",  # throw-away data: a test needs no durability
            "--log-level=warn",
        ]

    def _etcd_ready(self, component: Component) -> bool:
        status, body = http_get(f"http://127.0.0.1:{self.ports['etcd']}/health")
        return status == 200 and json.loads(body).get("health") == "true"

    def _apiserver_argv(self) -> list[str]:
        # A fresh port on each attempt, and every kubeconfig names it.
        self.ports["apiserver"] = free_port()
        p = self.paths
        for user, (cn, _) in self.USERS.items():
            p[f"{user}.kubeconfig"] = kubeconfig(
                self.root / "pki" / f"{user}.kubeconfig", self.server, p["ca"], p[f"{user}.crt"], p[f"{user}.key"], cn
            )
        return [
            str(self.tool_set.bin / "kube-apiserver"),
            f"--etcd-servers=http://127.0.0.1:{self.ports['etcd']}",
            "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1",
            f"--secure-port={self.ports['apiserver']}",
            f"--tls-cert-file={p['apiserver.crt']}",
            f"--tls-private-key-file={p['apiserver.key']}",
            f"--client-ca-file={p['ca']}",
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
            f"--service-account-key-file={p['sa.pub']}",
            f"--service-account-signing-key-file={p['sa.key']}",
            f"--service-cluster-ip-range={SERVICE_CIDR}",
            "--authorization-mode=RBAC",
            # A loopback advertise address is invalid in the kubernetes Endpoints: nothing reconciles them.
            "--endpoint-reconciler-type=none",
            f"--cert-dir={self.root / 'pki' / 'apiserver-generated'}",
            "--profiling=false",
        ]

    def _apiserver_ready(self, component: Component) -> bool:
        status, _ = http_get(self.server + "/readyz", self.ssl_context())
        return status == 200

    def _controller_manager_argv(self) -> list[str]:
        self.ports["kube-controller-manager"] = free_port()
        config = str(self.paths["controller-manager.kubeconfig"])
        return [
            str(self.tool_set.bin / "kube-controller-manager"),
            f"--kubeconfig={config}",
            f"--authentication-kubeconfig={config}",
            f"--authorization-kubeconfig={config}",
            "--bind-address=127.0.0.1",
            f"--secure-port={self.ports['kube-controller-manager']}",
            f"--cert-dir={self.root / 'pki' / 'controller-manager-generated'}",
            "--leader-elect=false",
            "--use-service-account-credentials=true",
            f"--service-account-private-key-file={self.paths['sa.key']}",
            f"--root-ca-file={self.paths['ca']}",
            "--cluster-name=fluxlit-e2e",
            f"--service-cluster-ip-range={SERVICE_CIDR}",
        ]

    def _scheduler_argv(self) -> list[str]:
        self.ports["kube-scheduler"] = free_port()
        config = str(self.paths["scheduler.kubeconfig"])
        return [
            str(self.tool_set.bin / "kube-scheduler"),
            f"--kubeconfig={config}",
            f"--authentication-kubeconfig={config}",
            f"--authorization-kubeconfig={config}",
            "--bind-address=127.0.0.1",
            f"--secure-port={self.ports['kube-scheduler']}",
            f"--cert-dir={self.root / 'pki' / 'scheduler-generated'}",
            "--leader-elect=false",
        ]

    def _secure_ready(self, component: Component) -> bool:
        insecure = ssl.create_default_context()
        insecure.check_hostname = False
        insecure.verify_mode = ssl.CERT_NONE  # the component's own self-signed serving certificate
        status, _ = http_get(f"https://127.0.0.1:{self.ports[component.name]}/healthz", insecure)
        return status == 200

    def _kwok_argv(self) -> list[str]:
        self.ports["kwok"], self.ports["kwok-node"] = free_port(), free_port()
        stages = sorted((self.tool_set.share / "kwok").glob("*.yaml"))
        if not stages:
            raise PlaneError(f"kwok's stages are missing from {self.tool_set.share / 'kwok'}: run `make e2e-tools`")
        return [
            str(self.tool_set.bin / "kwok"),
            f"--kubeconfig={self.paths['kwok.kubeconfig']}",
            f"--config={','.join(str(s) for s in stages)}",
            "--manage-all-nodes=false",
            f"--manage-nodes-with-annotation-selector={FAKE_NODE}=fake",
            "--cidr=10.244.0.0/16",
            "--node-ip=127.0.0.1",
            f"--node-port={self.ports['kwok-node']}",
            f"--server-address=127.0.0.1:{self.ports['kwok']}",
            # Node leases keep the fake nodes alive between the node-heartbeat-with-lease stage's
            # status updates, so the node lifecycle controller never marks their pods NotReady.
            "--node-lease-duration-seconds=40",
        ]

    def _kwok_ready(self, component: Component) -> bool:
        status, _ = http_get(f"http://127.0.0.1:{self.ports['kwok']}/healthz")
        return status == 200

    def _nodes(self, deadline: float) -> None:
        """Fake nodes for kwok, then wait until each is Ready."""
        names = [f"fluxlit-e2e-node-{i}" for i in range(self.nodes)]
        capacity = {"cpu": "32", "memory": "256Gi", "pods": "110"}
        for name in names:
            node = {
                "apiVersion": "v1",
                "kind": "Node",
                "metadata": {
                    "name": name,
                    "annotations": {FAKE_NODE: "fake", "node.alpha.kubernetes.io/ttl": "0"},
                    "labels": {
                        "kubernetes.io/hostname": name,
                        "kubernetes.io/os": "linux",
                        "kubernetes.io/arch": "amd64",
                        "type": "kwok",
                    },
                },
                "status": {"capacity": capacity, "allocatable": capacity},
            }
            status, body = self.api("POST", "/api/v1/nodes", node)
            if status not in (200, 201, 409):
                raise PlaneError(f"could not create node {name}: {status} {body.get('message', '')}")

        def ready() -> bool:
            for name in names:
                _, node = self.api("GET", f"/api/v1/nodes/{name}")
                conditions = node.get("status", {}).get("conditions") or []
                if not any(c.get("type") == "Ready" and c.get("status") == "True" for c in conditions):
                    return False
            return True

        self._await("kwok", ready, deadline)

    def _default_service_account(self) -> bool:
        status, _ = self.api("GET", "/api/v1/namespaces/default/serviceaccounts/default")
        return status == 200

    # -- a plane for a person

    def _write_state(self) -> None:
        state = {
            "root": str(self.root),
            "tools": str(self.tool_set.root),
            "ports": self.ports,
            "pids": {c.name: c.process.pid for c in self.components if c.process},
            "env": self.env(),
        }
        (self.root / "plane.json").write_text(json.dumps(state, indent=2))


def running(root: Path) -> dict[str, Any]:
    """The state of the plane a person started in `root`; PlaneError when none is running there."""
    try:
        state: dict[str, Any] = json.loads((root / "plane.json").read_text())
    except (OSError, json.JSONDecodeError):
        raise PlaneError(f"no control plane is running in {root}: start one with `make e2e-up`") from None
    dead = [name for name, pid in state["pids"].items() if not _alive(pid)]
    if dead:
        raise PlaneError(
            f"the control plane in {root} is not running ({', '.join(dead)} stopped): "
            "run `make e2e-down`, then `make e2e-up`"
        )
    return state


def _alive(pid: int) -> bool:
    """The process exists and is not a zombie (a detached one's parent may never reap it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def exports(env: dict[str, str]) -> str:
    """Shell exports; PATH puts the tools before the PATH of the shell that evaluates them."""
    lines = []
    for key, value in env.items():
        if key == "PATH":
            tools_bin = value.split(os.pathsep, 1)[0]
            lines.append(f'export PATH={shlex.quote(tools_bin)}:"$PATH"')
        else:
            lines.append(f"export {key}={shlex.quote(value)}")
    return "\n".join(lines)


def up(root: Path) -> str:
    """Start the person's plane (detached) and return the exports for it."""
    with contextlib.suppress(PlaneError):
        return exports(current_env(running(root)))
    down(root)
    plane = ControlPlane(root=root, tool_set=tools.installed(), detach=True, keep_root=False)
    plane.start()
    plane.keep_root = True
    return exports(plane.env())


def down(root: Path) -> bool:
    """Stop the person's plane; False when there was none."""
    try:
        state = json.loads((root / "plane.json").read_text())
    except (OSError, json.JSONDecodeError):
        existed = root.exists()
        shutil.rmtree(root, ignore_errors=True)
        return existed
    # In reverse order of start, each given 10 s after SIGTERM: etcd last (see ControlPlane.stop).
    for pid in reversed(list(state["pids"].values())):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.1)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
    shutil.rmtree(root, ignore_errors=True)
    return True


@contextlib.contextmanager
def temporary(nodes: int = 1) -> Iterator[ControlPlane]:
    """A plane in a fresh temporary folder, stopped and removed afterwards (tests)."""
    root = Path(tempfile.mkdtemp(prefix="fluxlit-e2e-plane-"))
    plane = ControlPlane(root=root, tool_set=tools.installed(), nodes=nodes)
    with plane:
        yield plane


def current_env(state: dict[str, Any]) -> dict[str, str]:
    """The running plane's environment, with the tools of the current pins on the PATH when they are
    built (a plane keeps running across a rebuild of the CLI and the plugins)."""
    env = dict(state["env"])
    with contextlib.suppress(tools.ToolError):
        env["PATH"] = f"{tools.installed().bin}{os.pathsep}{env['PATH'].split(os.pathsep, 1)[-1]}"
    return env


def main(argv: list[str]) -> int:
    # Printed into a pipe that closes early (`| head -1`): stop quietly, as other commands do.
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    command = argv[1] if len(argv) > 1 else ""
    root = person_dir()
    try:
        if command == "up":
            started = time.monotonic()
            text = up(root)
            print(f"# control plane running in {root} (ready in {time.monotonic() - started:.1f} s); use it with:")
            print('#   eval "$(make -s e2e-env)"')
            print(text)
        elif command == "env":
            print(exports(current_env(running(root))))
        elif command == "down":
            print("control plane stopped" if down(root) else f"no control plane was running in {root}")
        else:
            print(f"usage: {argv[0]} up|env|down", file=sys.stderr)
            return 2
    except (PlaneError, tools.ToolError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
