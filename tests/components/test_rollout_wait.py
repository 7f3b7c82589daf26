"""The provider's wait for pods, per stack: bounded by customTimeouts, or skipped (disposable stacks
only), on exactly the Deployments and Services the package creates. tests/e2e/test_engine_agrees.py
shows both on the real CLI against a cluster whose pods never become Ready."""

from typing import Any

import pytest

from fluxlit_secrets.engine.run import Recording
from fluxlit_secrets.errors import FluxlitSecretsError
from tests.conftest import base_config, synth_config

AWAITED = ("kubernetes:apps/v1:Deployment", "kubernetes:core/v1:Service")


def awaited(recording: Recording) -> list[Any]:
    return [r for r in recording.registrations if r.type in AWAITED]


def test_by_default_the_provider_waits_with_its_own_timeout() -> None:
    found = awaited(synth_config(base_config()))
    assert len(found) == 4
    for r in found:
        assert "pulumi.com/skipAwait" not in (r.inputs["metadata"].get("annotations") or {})
        assert r.options["customTimeouts"] == {}


def test_a_timeout_bounds_the_wait_on_every_deployment_and_service() -> None:
    config = base_config()
    config["deployments"]["rolloutTimeoutSeconds"] = 120
    recording = synth_config(config)
    found = awaited(recording)
    assert len(found) == 4 and all(r.options["customTimeouts"] == {"create": "120s", "update": "120s"} for r in found)
    others = [r for r in recording.registrations if r.custom and r.type not in AWAITED]
    assert others and all(r.options["customTimeouts"] == {} for r in others)


def test_a_disposable_stack_may_skip_the_wait() -> None:
    config = base_config()
    config["deployments"]["awaitRollout"] = False
    found = awaited(synth_config(config))
    assert len(found) == 4
    assert all(r.inputs["metadata"]["annotations"] == {"pulumi.com/skipAwait": "true"} for r in found)


@pytest.mark.parametrize(
    ("deployments", "disposable", "words"),
    [
        ({"awaitRollout": False}, False, "deployments.awaitRollout: is false on a stack that is not disposable"),
        ({"awaitRollout": False, "rolloutTimeoutSeconds": 60}, True, "deployments.rolloutTimeoutSeconds: is set while"),
        ({"rolloutTimeoutSeconds": 5}, True, "deployments.rolloutTimeoutSeconds"),
        ({"awaitRollout": "no"}, True, "deployments.awaitRollout"),
    ],
)
def test_a_wait_that_would_make_retirement_unsafe_or_meaningless_is_refused(
    deployments: dict[str, Any], disposable: bool, words: str
) -> None:
    config = base_config()
    config["disposable"] = disposable
    config["deployments"].update(deployments)
    with pytest.raises(FluxlitSecretsError) as caught:
        synth_config(config)
    assert words in str(caught.value) and "\n" not in str(caught.value)
