"""The built tools report their pinned versions; the control plane says which component failed,
retries a taken port, and never outlives the process that started it."""

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import grpc
import pytest
from google.protobuf import empty_pb2
from pulumi.runtime.proto import language_pb2_grpc, provider_pb2_grpc

from e2e import plane as planes
from e2e import tools
from tests.e2e.harness import REPO, VENV, Pulumi

pytestmark = pytest.mark.e2e

PINS = tomllib.loads((REPO / "e2e" / "tools.toml").read_text())["tools"]


@contextmanager
def started_plugin(binary: Path) -> Iterator[grpc.Channel]:
    """A plugin started as the CLI starts it (engine address first), and a channel to the port it prints."""
    process = subprocess.Popen(
        [str(binary), "127.0.0.1:1"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert process.stdout is not None
        port = int(process.stdout.readline().strip())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield channel
    finally:
        process.kill()
        process.wait()


@pytest.mark.parametrize(
    ("binary", "service", "version"),
    [
        (
            "pulumi-resource-kubernetes",
            provider_pb2_grpc.ResourceProviderStub,
            PINS["pulumi-resource-kubernetes"]["release"],
        ),
        ("pulumi-language-yaml", language_pb2_grpc.LanguageRuntimeStub, PINS["pulumi-language-yaml"]["version"]),
        ("pulumi-resource-random", provider_pb2_grpc.ResourceProviderStub, PINS["standins"]["version"]),
        ("pulumi-language-python", language_pb2_grpc.LanguageRuntimeStub, PINS["standins"]["version"]),
        ("pulumi-language-nodejs", language_pb2_grpc.LanguageRuntimeStub, PINS["standins"]["version"]),
        ("pulumi-language-go", language_pb2_grpc.LanguageRuntimeStub, PINS["standins"]["version"]),
    ],
)
def test_each_plugin_reports_its_real_version(tool_set: tools.ToolSet, binary: str, service, version: str) -> None:
    with started_plugin(tool_set.bin / binary) as channel:
        info = service(channel).GetPluginInfo(empty_pb2.Empty(), timeout=30)
        assert info.version.lstrip("v") == version.lstrip("v")


def test_each_command_reports_its_pinned_version(tool_set: tools.ToolSet) -> None:
    said = tool_set.versions()
    assert said["pulumi"] == PINS["pulumi"]["version"]
    assert said["kubernetes"] == f"Kubernetes {PINS['kubernetes']['version']}"
    assert said["etcd"] == f"etcd Version: {PINS['etcd']['version'].lstrip('v')}"
    assert PINS["kwok"]["version"] in said["kwok"]
    version = subprocess.run([str(tool_set.bin / "pulumi"), "version"], capture_output=True, text=True, check=True)
    assert version.stdout.strip() == PINS["pulumi"]["version"]


def test_a_warm_tool_build_returns_at_once() -> None:
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, str(REPO / "e2e" / "tools.py"), "build"], check=False, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "up to date" in done.stdout and time.monotonic() - started < 10


def fake_tools(tmp_path: Path, real: tools.ToolSet, broken: str, script: str) -> tools.ToolSet:
    """The real tool set but one binary replaced by a script (a component that fails in some way)."""
    root = tmp_path / "tools"
    (root / "bin").mkdir(parents=True)
    for binary in real.bin.iterdir():
        (root / "bin" / binary.name).symlink_to(binary)
    (root / "share").symlink_to(real.share)
    fake = root / "bin" / broken
    fake.unlink()
    fake.write_text("#!/bin/sh\n" + script)
    fake.chmod(0o755)
    return tools.ToolSet(root)


def test_a_component_that_exits_is_named_with_its_last_log_lines(tool_set: tools.ToolSet, tmp_path: Path) -> None:
    broken = fake_tools(
        tmp_path, tool_set, "kube-scheduler", "echo 'E1203 scheduler: cannot load its config' >&2\nexit 3\n"
    )
    control = planes.ControlPlane(root=tmp_path / "plane", tool_set=broken)
    with pytest.raises(planes.PlaneError) as caught:
        control.start()
    message = str(caught.value)
    assert message.startswith("kube-scheduler exited with status 3 at start")
    assert "cannot load its config" in message
    assert not (tmp_path / "plane").exists()  # stopped and removed, the components already started too


def test_a_component_that_never_gets_ready_is_named_after_the_timeout(tool_set: tools.ToolSet, tmp_path: Path) -> None:
    hung = fake_tools(tmp_path, tool_set, "kwok", "echo 'kwok: waiting for something'\nexec sleep 600\n")
    control = planes.ControlPlane(root=tmp_path / "plane", tool_set=hung)
    started = time.monotonic()
    with pytest.raises(planes.PlaneError, match=r"^kwok was not ready within 20 s; .*\n.*waiting for something"):
        control.start(timeout=20)
    assert time.monotonic() - started < 40


def test_a_taken_port_is_retried_on_another(tool_set: tools.ToolSet, tmp_path: Path, monkeypatch) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        ports = iter([taken.getsockname()[1]])
        original = planes.free_port
        monkeypatch.setattr(planes, "free_port", lambda: next(ports, None) or original())
        with planes.ControlPlane(root=tmp_path / "plane", tool_set=tool_set) as control:
            assert control.ports["etcd"] != taken.getsockname()[1]
            status, _ = control.api("GET", "/api/v1/namespaces/default")
            assert status == 200


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def test_the_components_die_with_the_process_that_started_them(tool_set: tools.ToolSet, tmp_path: Path) -> None:
    root = tmp_path / "plane"
    program = textwrap.dedent(
        f"""
        import time
        from pathlib import Path
        from e2e import plane, tools
        p = plane.ControlPlane(root=Path({str(root)!r}), tool_set=tools.ToolSet(Path({str(tool_set.root)!r})))
        p.start()
        print("up", flush=True)
        time.sleep(600)
        """
    )
    parent = subprocess.Popen([sys.executable, "-c", program], cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None and parent.stdout.readline().strip() == "up"
    pids = json.loads((root / "plane.json").read_text())["pids"]
    assert all(alive(pid) for pid in pids.values())
    parent.send_signal(signal.SIGKILL)  # no cleanup code runs: only the kernel can stop the children now
    parent.wait()
    deadline = time.monotonic() + 15
    while any(alive(pid) for pid in pids.values()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [name for name, pid in pids.items() if alive(pid)] == []


def test_a_person_starts_exports_and_stops_a_plane(tmp_path: Path) -> None:
    env = {**os.environ, "FLUXLIT_SECRETS_PLANE": str(tmp_path / "person")}

    def plane(command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "e2e.plane", command],
            check=False,
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert "no control plane is running" in plane("env").stderr
    up = plane("up")
    assert up.returncode == 0, up.stderr
    exports = plane("env").stdout
    assert exports.strip() in up.stdout
    keys = {line.split("=", 1)[0].removeprefix("export ") for line in exports.splitlines()}
    assert keys == {
        "PATH",
        "KUBECONFIG",
        "PULUMI_HOME",
        "PULUMI_BACKEND_URL",
        "PULUMI_CONFIG_PASSPHRASE",
        "PULUMI_SKIP_UPDATE_CHECK",
        "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION",
        "PULUMI_DISABLE_REGISTRY_RESOLVE",
    }
    shell = subprocess.run(
        ["bash", "-c", f"{exports}\npulumi version && kubectl get --raw /readyz"],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shell.returncode == 0, shell.stderr
    assert shell.stdout.split() == [tools.load()[0].version, "ok"]
    pids = json.loads((tmp_path / "person" / "plane.json").read_text())["pids"]
    down = plane("down")
    assert down.returncode == 0 and down.stdout.strip() == "control plane stopped"
    assert not (tmp_path / "person").exists()
    assert [name for name, pid in pids.items() if alive(pid)] == []


def pins_with(tmp_path: Path, module: str, main_go: str, version: str = "v0.0.0") -> Path:
    """A tools.toml of one tool, a wrapper module of its own under tmp_path."""
    wrapper = tmp_path / "e2e" / "modules" / "broken"
    wrapper.mkdir(parents=True)
    (wrapper / "go.mod").write_text(f"module {module}\n\ngo 1.26\n")
    (wrapper / "main.go").write_text(main_go)
    pins = tmp_path / "e2e" / "tools.toml"
    pins.write_text(
        f'[tools.broken]\ntitle = "broken"\nmodule = "{module}"\nversion = "{version}"\n'
        'dir = "e2e/modules/broken"\npackages = ["."]\noutput = "broken"\n'
    )
    return pins


def test_a_tool_that_fails_to_build_is_named_with_its_first_error(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("FLUXLIT_SECRETS_CACHE", str(tmp_path / "cache"))
    pins = pins_with(tmp_path, "example.com/broken", "package main\n\nfunc main() {\n\tundefinedCall()\n}\n")
    said: list[str] = []
    with pytest.raises(tools.ToolError) as caught:
        tools.build(tools.load(pins), say=lambda line, **_: said.append(line))
    assert str(caught.value) == (
        "building broken (example.com/broken v0.0.0) failed: ./main.go:4:2: undefined: undefinedCall"
    )
    assert said == ["[1/1] broken (example.com/broken v0.0.0): building ..."]
    assert list((tmp_path / "cache" / "tools" / "by-tool").iterdir()) == []  # no half-built tool is kept


def test_a_tool_builds_once_then_is_cached(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("FLUXLIT_SECRETS_CACHE", str(tmp_path / "cache"))
    pins = pins_with(tmp_path, "example.com/fine", 'package main\n\nfunc main() { println("fine") }\n')
    first: list[str] = []
    built = tools.build(tools.load(pins), say=lambda line, **_: first.append(line))
    assert first[1].startswith("[1/1] broken (example.com/fine v0.0.0): built in ")
    assert subprocess.run([str(built.bin / "broken")], capture_output=True, text=True, check=True).stderr == "fine\n"
    again: list[str] = []
    assert tools.build(tools.load(pins), say=lambda line, **_: again.append(line)) == built
    assert len(again) == 1 and "all 1 up to date" in again[0]
    (tmp_path / "e2e" / "modules" / "broken" / "main.go").write_text('package main\n\nfunc main() { println("new") }\n')
    assert tools.build(tools.load(pins), say=lambda *_, **__: None) != built  # a changed wrapper is a new build


def test_a_wrapper_that_requires_another_version_than_the_pin_is_refused(tmp_path: Path) -> None:
    pins = pins_with(tmp_path, "example.com/ours", "package main\n\nfunc main() {}\n")
    text = (
        pins.read_text()
        .replace('module = "example.com/ours"', 'module = "sigs.k8s.io/kwok"')
        .replace('version = "v0.0.0"', 'version = "v0.8.0"')
    )
    pins.write_text(text)
    with pytest.raises(
        tools.ToolError, match=r"requires sigs.k8s.io/kwok \(nothing\), but tools.broken.version is v0.8.0"
    ):
        tools.verify(tools.load(pins))


def test_the_pins_and_the_wrapper_modules_agree() -> None:
    tools.verify(tools.load())


def test_a_failing_pulumi_up_fails_the_test_with_the_engines_diagnostics(
    plane: planes.ControlPlane, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "Pulumi.yaml").write_text(
        f"name: broken\nruntime:\n  name: python\n  options:\n    virtualenv: {VENV}\n"
    )
    (project / "__main__.py").write_text('raise RuntimeError("the program refuses: bad input in key x")\n')
    (tmp_path / "state").mkdir()
    cli = Pulumi(cwd=project, plane=plane, stack="dev", backend=tmp_path / "state")
    cli.run("stack", "init", "dev", stack=False)
    with pytest.raises(pytest.fail.Exception) as caught:
        cli.up()
    message = str(caught.value)
    assert message.startswith("`pulumi up --yes --skip-preview --diff --non-interactive --stack dev` exited 1 in ")
    assert "RuntimeError: the program refuses: bad input in key x" in message
    assert "harness.py" not in message and caught.value.pytrace is False
