"""The offline plan and the real engine give the same verdict: one app on two clusters (fresh, and
added to a stack that holds the first), aliases that claim one old resource twice, removing a
protected secret and the way out the plan prints, a new `length`."""

import re
import shlex
from pathlib import Path

import pytest
from kubernetes import client

from e2e.plane import ControlPlane
from tests.e2e import plans
from tests.e2e.harness import VENV, Pulumi
from tests.e2e.scenario import assert_same_urns
from tests.engine.test_refusals import program

pytestmark = pytest.mark.e2e

LIFECYCLE = "urn:pulumi:dev::ledger-app::fluxlit-secrets:index:SecretLifecycle"
MOVED = 'pulumi.ResourceOptions(aliases=[pulumi.Alias(name="ledger")])'


def words(text: str) -> str:
    """Text with every run of whitespace as one space (the engine wraps its messages)."""
    return " ".join(text.split())


class Ledger:
    """A project of SecretLifecycle components of app `ledger`, its stack, and the offline tool."""

    def __init__(self, plane: ControlPlane, root: Path) -> None:
        self.root = root
        self.project = root / "project"
        self.project.mkdir(parents=True)
        (self.project / "Pulumi.yaml").write_text(
            f"name: ledger-app\nruntime:\n  name: python\n  options:\n    virtualenv: {VENV}\n"
        )
        (self.project / "Pulumi.dev.yaml").write_text("config: {}\n")
        (root / "state").mkdir()
        self.cli = Pulumi(cwd=self.project, plane=plane, stack="dev", backend=root / "state")
        self.cli.run("stack", "init", "dev", stack=False)
        self.bases = 0
        #: A synth of the program the stack holds.
        self.held = root

    def write(self, body: str, length: int = 64) -> None:
        (self.project / "__main__.py").write_text(program(body, length))

    def base(self) -> Path:
        """A synth of the program as it is now: the base the next `diff` compares with."""
        self.bases += 1
        out = self.root / f"base-{self.bases}"
        self.cli.tool("synth", "--stack", "dev", "--out", str(out))
        return out

    def diff(self, base: Path, expect: int) -> str:
        return self.cli.tool("diff", "--stack", "dev", "--base", str(base), expect=expect)

    def refused(self, body: str) -> tuple[str, str]:
        """Write `body`, which both engines must refuse: what `diff` (from the held program) and
        `pulumi preview` printed, the latter with its whitespace folded."""
        self.write(body)
        offline = self.diff(self.held, expect=1)
        code, said = self.cli.attempt("preview")
        assert code != 0, said[-3000:]
        return offline, words(said)


def test_one_app_on_two_clusters_deploys_on_a_fresh_stack(plane: ControlPlane, tmp_path: Path) -> None:
    ledger = Ledger(plane, tmp_path)
    ledger.write('ledger("ledger", "fresh-east", SECRETS)\nledger("ledger-west", "fresh-west", SECRETS)')
    out = ledger.base()
    ledger.cli.up()
    assert_same_urns(out, ledger.cli.export())


def test_a_second_cluster_added_to_a_stack_only_creates(
    plane: ControlPlane, api: client.ApiClient, tmp_path: Path
) -> None:
    ledger = Ledger(plane, tmp_path)
    ledger.write('ledger("ledger", "added-east", SECRETS)')
    ledger.cli.up()
    base = ledger.base()
    ledger.write('ledger("ledger", "added-east", SECRETS)\nledger("ledger-west", "added-west", SECRETS)')
    offline = plans.parse_rotate(ledger.diff(base, expect=0))
    real = plans.preview_changes(ledger.cli.preview_steps())
    assert real == offline.changes, f"only offline: {offline.changes - real}; only real: {real - offline.changes}"
    assert {action for action, _, _ in real} == {"create"}
    ledger.cli.up()
    deployments = client.AppsV1Api(api)
    for namespace in ("added-east", "added-west"):
        assert deployments.list_namespaced_deployment(namespace).items, namespace


@pytest.fixture(scope="module")
def held(plane: ControlPlane, tmp_path_factory: pytest.TempPathFactory) -> Ledger:
    """A stack that holds `SecretLifecycle("ledger")` (not disposable: its values are protected)."""
    ledger = Ledger(plane, tmp_path_factory.mktemp("held"))
    ledger.write('ledger("ledger", "held", SECRETS)')
    ledger.cli.up()
    ledger.held = ledger.base()
    return ledger


def test_two_aliases_claiming_one_old_component_are_refused_by_both(held: Ledger) -> None:
    offline, said = held.refused(
        f'ledger("ledger-east", "held", SECRETS, {MOVED})\nledger("ledger-west", "held-west", SECRETS, {MOVED})'
    )
    claimed = f"Duplicate resource alias '{LIFECYCLE}::ledger' applied to resource with URN"
    assert f"refused: {claimed}" in offline and claimed in said, said[-3000:]


def test_an_alias_to_a_component_still_declared_is_refused_by_both(held: Ledger) -> None:
    offline, said = held.refused(
        f'ledger("ledger", "held", SECRETS)\nledger("ledger-west", "held-west", SECRETS, {MOVED})'
    )
    assert f"refused: Duplicate resource URN '{LIFECYCLE}::ledger' conflicting with alias" in offline
    # Which of the two messages depends on the order the two components register in.
    assert (
        f"Duplicate resource URN '{LIFECYCLE}::ledger' conflicting with alias" in said
        or f"Duplicate resource alias '{LIFECYCLE}::ledger' applied to resource with URN" in said
    ), said[-3000:]


def test_a_new_length_changes_nothing_in_either_engine(held: Ledger) -> None:
    held.write('ledger("ledger", "held", SECRETS)', length=96)
    offline = held.diff(held.held, expect=0)
    assert "note: ledger-jwt-g1: length changed" in offline
    assert plans.parse_rotate(offline).changes == set()
    assert plans.preview_changes(held.cli.preview_steps()) == set()


def test_removing_a_protected_secret_is_refused_and_the_printed_way_out_works(
    held: Ledger, api: client.ApiClient
) -> None:
    offline, said = held.refused('del SECRETS["bff"]\nledger("ledger", "held", SECRETS)')
    refused = {
        line.split('"')[1] for line in offline.splitlines() if "cannot be deleted because it is protected" in line
    }
    assert refused and all("bff" in urn for urn in refused)
    real = set(re.findall(r'resource "(urn:[^"]+)" cannot be deleted because it is protected', said))
    assert real and real <= refused, said[-3000:]

    for line in offline.splitlines():
        step = line.strip().removeprefix("way out: ")
        if step.startswith("pulumi state unprotect"):
            held.cli.run(*shlex.split(step)[1:], stack=False)
    held.cli.up()
    core = client.CoreV1Api(api)
    records = {s.metadata.name for s in core.list_namespaced_secret("held-records").items}
    assert "ledger-bff-v1" in records, "the retained value of record left the records namespace"
    assert not [s.metadata.name for s in core.list_namespaced_secret("held").items if "bff" in s.metadata.name]


APP_OBJECTS = """\
import pulumi_kubernetes as k8s

ns = k8s.core.v1.Namespace("objects", metadata={{"name": "objects"}})
meta = lambda name, label: {{"name": name, "namespace": "objects", "labels": {{"tier": label}}}}
k8s.core.v1.ConfigMap("settings", metadata=meta("settings", "a"), data={{"MODE": "{mode}"}},
                      opts=pulumi.ResourceOptions(depends_on=[ns]))
k8s.core.v1.ConfigMap("labels", metadata=meta("labels", "{label}"), data={{"MODE": "x"}},
                      opts=pulumi.ResourceOptions(depends_on=[ns]))
k8s.core.v1.Secret("token", metadata=meta("token", "a"), string_data={{"TOKEN": "{mode}"}},
                   opts=pulumi.ResourceOptions(depends_on=[ns]))
"""


def test_app_objects_replace_as_the_kubernetes_provider_replaces_them(plane: ControlPlane, tmp_path: Path) -> None:
    ledger = Ledger(plane, tmp_path)
    ledger.write(APP_OBJECTS.format(mode="one", label="a"))
    ledger.cli.up()
    base = ledger.base()
    ledger.write(APP_OBJECTS.format(mode="two", label="b"))
    said = ledger.diff(base, expect=0)
    offline = plans.parse_rotate(said).changes
    real = plans.preview_changes(ledger.cli.preview_steps())
    # A saved synth holds no secret value: the Secret's new value is the one change `diff` cannot
    # see, and it says so; the real engine replaces it (enableSecretMutable is false).
    token = ("replace", "kubernetes:core/v1:Secret", "token")
    assert real - {token} == offline, f"only offline: {offline - real}; only real: {real - offline}"
    assert token in real
    assert any(
        line.startswith("  note: ") and "not shown" in line and line.endswith(": token") for line in said.splitlines()
    )
    assert offline == {
        ("replace", "kubernetes:core/v1:ConfigMap", "settings"),
        ("update", "kubernetes:core/v1:ConfigMap", "labels"),
    }
