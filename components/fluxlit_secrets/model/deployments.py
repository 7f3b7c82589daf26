"""The FluxLit Deployments block (`deployments`): image, target, replicas, user, rollout wait."""

import re

from fluxlit_secrets.model.app import DeploymentsModel
from fluxlit_secrets.model.secretish import shown
from fluxlit_secrets.model.shape import Node

DEPLOYMENT_FIELDS = (
    "image",
    "target",
    "api_prefix",
    "gateway_replicas",
    "streamlit_replicas",
    "streamlit_script",
    "image_pull_policy",
    "run_as_user",
    "reads_secrets_dir",
    "await_rollout",
    "rollout_timeout_seconds",
)
TARGET = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*:[A-Za-z_][A-Za-z0-9_]*", re.ASCII)
IMAGE = re.compile(r"[a-z0-9][a-z0-9._/:@-]*[a-zA-Z0-9_.-]", re.IGNORECASE | re.ASCII)
API_PREFIX = re.compile(r"/[A-Za-z0-9._~/-]*", re.ASCII)
SCRIPT = re.compile(r"/[A-Za-z0-9._/-]+\.py", re.ASCII)
PULL_POLICIES = ("Always", "IfNotPresent", "Never")
UID_FIX = "give a non-root uid, e.g. 10001 (or 1000, the uid of `fluxlit build` images)"


def parse_image(node: Node) -> str:
    """A registry/repository:tag or @digest reference."""
    image = node.value
    if not isinstance(image, str) or len(image) > 512 or not IMAGE.fullmatch(image):
        node.fail(
            f"{shown(image)} is not an image reference",
            "give a registry/repository:tag (or @sha256 digest), e.g. ghcr.io/acme/app:1.4.2",
        )
    return image


def parse_deployments(node: Node) -> DeploymentsModel:
    """Validate `deployments`."""
    node = node.mapping("{image: ghcr.io/acme/app:1.0.0}")
    node.known(DEPLOYMENT_FIELDS)
    target = node.field("target", "app:app")
    if not isinstance(target.value, str) or not TARGET.fullmatch(target.value):
        target.fail(f"{shown(target.value)} is not a module:attribute target", "e.g. app:app")
    prefix = node.field("api_prefix", "/api")
    if not isinstance(prefix.value, str) or not API_PREFIX.fullmatch(prefix.value) or prefix.value == "/":
        prefix.fail(f"{shown(prefix.value)} is not an API path", "e.g. /api")
    script = node.field("streamlit_script")
    if script.value is not None and (not isinstance(script.value, str) or not SCRIPT.fullmatch(script.value)):
        script.fail(
            f"{shown(script.value)} is not an absolute path to a .py file",
            "omit it to locate fluxlit/streamlit/main.py in the image at start",
        )
    return DeploymentsModel(
        image=parse_image(node.field("image")),
        target=target.value,
        api_prefix=prefix.value.rstrip("/"),
        gateway_replicas=node.field("gateway_replicas", 2).whole(1, 100, "e.g. 2"),
        streamlit_replicas=node.field("streamlit_replicas", 1).whole(1, 100, "e.g. 1"),
        streamlit_script=script.value,
        image_pull_policy=node.field("image_pull_policy", "Always").one_of(PULL_POLICIES, "pull policy"),
        run_as_user=node.field("run_as_user", 10001).whole(1, 2**31 - 1, UID_FIX),
        reads_secrets_dir=node.field("reads_secrets_dir", False).boolean(),
        await_rollout=node.field("await_rollout", True).boolean(),
        rollout_timeout_seconds=_timeout(node),
    )


def _timeout(node: Node) -> int | None:
    """`rolloutTimeoutSeconds`: meaningful only while the provider waits."""
    timeout = node.field("rollout_timeout_seconds")
    if timeout.value is None:
        return None
    seconds = timeout.whole(10, 24 * 3600, "give seconds, e.g. 300 (the provider waits 600 by default)")
    if node.field("await_rollout", True).value is False:
        timeout.fail("is set while awaitRollout is false", "drop one of them: a timeout bounds the wait")
    return seconds
