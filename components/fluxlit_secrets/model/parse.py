"""Build the AppModel once, from either shape: stack config (keys without the namespace, camelCase)
or component args (snake_case). Every refusal is one line placed where the user wrote it."""

import json
import re
from collections.abc import Collection, Mapping
from typing import Any

from fluxlit_secrets.errors import ConfigError, did_you_mean
from fluxlit_secrets.model import names
from fluxlit_secrets.model.admission import parse_admission
from fluxlit_secrets.model.app import AppModel, CloudBlock, CloudSettings, DeploymentsModel, SecretConfigLookup
from fluxlit_secrets.model.auth import parse_auth, parse_network_policy
from fluxlit_secrets.model.cloud import CloudModels
from fluxlit_secrets.model.csi import check_csi
from fluxlit_secrets.model.deployments import parse_deployments
from fluxlit_secrets.model.kinds import DELIVERIES, TOPOLOGIES
from fluxlit_secrets.model.secretish import shown
from fluxlit_secrets.model.secrets import check_sources, check_unique_names, label, parse_secret
from fluxlit_secrets.model.shape import NAMESPACE, Node, Shape

STACK_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}", re.ASCII)
#: Top-level fields besides the cloud blocks (which come from the clouds table).
BASE_FIELDS = (
    "app",
    "namespace",
    "create_namespace",
    "topology",
    "store",
    "delivery",
    "disposable",
    "secrets",
    "deployments",
)
EXTRA_FIELDS = ("auth", "network_policy", "admission")
#: Top-level stack-config keys whose Pulumi config string is taken as it is (never JSON-decoded).
STRING_KEYS = ("app", "namespace", "topology", "store", "delivery")


def top_fields(clouds: CloudModels) -> tuple[str, ...]:
    """Every top-level field (snake_case), the clouds' settings blocks included."""
    return (*BASE_FIELDS, *(c for c in clouds if c != "kubernetes"), *EXTRA_FIELDS)


def config_keys_of(clouds: CloudModels) -> tuple[str, ...]:
    """Every top-level stack-config key of the namespace (camelCase)."""
    return tuple(Shape("", config=True).spell(f) for f in top_fields(clouds))


def decode_config(key: str, raw: str) -> Any:
    """A Pulumi config string as the value the stack file meant (objects and booleans are JSON)."""
    if key in STRING_KEYS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw  # kept as a string: the model says what type it wanted


def stack_model(
    config: Mapping[str, str],
    secret_keys: Collection[str],
    *,
    stack: str,
    where: str,
    clouds: CloudModels,
    required: bool = True,
) -> AppModel | None:
    """The AppModel of a stack's `fluxlit-secrets:*` config, from the config as the Pulumi CLI hands
    it to a program (every key namespaced, every value one string; `secret_keys` the encrypted
    ones). The stack program (`stack_args()`) and the offline engine both read a stack here.

    Without a `fluxlit-secrets:app` key: a ConfigError when `required`, else None (an app stack
    that declares its secrets in code).
    """
    prefix = f"{NAMESPACE}:"
    if not required and f"{prefix}app" not in config:
        return None
    present = tuple(k[len(prefix) :] for k in config if k.startswith(prefix))
    decoded = {k: decode_config(k, config[prefix + k]) for k in config_keys_of(clouds) if prefix + k in config}
    secret = set(secret_keys)

    def secret_state(key: str) -> bool | None:
        return None if key not in config else key in secret

    return parse_config(
        decoded, environment=stack, clouds=clouds, where=where, secret_config=secret_state, config_keys=present
    )


def parse_config(
    values: Mapping[str, Any],
    *,
    environment: str,
    clouds: CloudModels,
    where: str = "",
    secret_config: SecretConfigLookup | None = None,
    config_keys: Collection[str] = (),
) -> AppModel:
    """Validate the `fluxlit-secrets:*` stack config (keys without the namespace) into an AppModel.

    `secret_config` tells, for a `configKey`, whether the value exists and is secret.
    `config_keys` are all keys present in the namespace, so a typo of a structural key is caught.
    """
    root = Shape.stack_file(where).root(values, "fluxlit-secrets:app: my-app")
    fields = top_fields(clouds)
    root.known(fields)
    for key in values:
        if secret_config is not None and secret_config(f"{NAMESPACE}:{key}") is True:
            root.child_raw(str(key)).fail(
                "holds a secret (`secure:`) value, but it is configuration, used as plain text",
                "set it without --secret; only a secret's value (the key its configKey names) is secret",
            )
    model = _parse(root, environment, clouds, secret_config=secret_config)
    referenced = {
        s.config_key.split(":", 1)[1]
        for s in model.secrets
        if s.config_key and s.config_key.startswith(f"{NAMESPACE}:")
    }
    allowed = config_keys_of(clouds)
    for k in config_keys:
        if k not in allowed and k not in referenced:
            root.child_raw(k).fail(
                f"unknown key{did_you_mean(k, allowed)}",
                "valid keys are " + ", ".join(allowed) + ", or a key that a secret's configKey names",
            )
    return model


def parse_args(args: object, *, component: str, name: str, clouds: CloudModels, default_environment: str) -> AppModel:
    """Validate SecretLifecycle args (snake_case); `environment` defaults to the stack's name."""
    root = Shape.component(component, name).root(args, '{"app": "my-app", "secrets": {...}}')
    root.known(("environment", *top_fields(clouds)))
    environment = root.field("environment", default_environment)
    if not isinstance(environment.value, str):
        environment.fail("must be a string", "omit it to use the stack's name")
    return _parse(root, environment.value, clouds, secret_config=None)


def _parse(root: Node, environment: str, clouds: CloudModels, *, secret_config: SecretConfigLookup | None) -> AppModel:
    app = label(
        root.field("app").required("set it to the app's DNS-1123 name, e.g. admin-portal"), names.APP_MAX, "app name"
    )
    namespace_node = root.field("namespace", app)
    namespace = label(namespace_node, names.LABEL_MAX, "namespace")
    if names.is_shared_namespace(namespace):
        namespace_node.fail(
            f"{namespace!r} is shared with other workloads", "give the app a namespace of its own, e.g. the app name"
        )
    topology = root.field("topology", "split").one_of(TOPOLOGIES, "topology")
    store = root.field("store", "kubernetes").one_of(tuple(clouds), "store")
    delivery = root.field("delivery", "kubernetes-secret").one_of(DELIVERIES, "delivery")
    disposable = root.field("disposable", False).boolean()
    create_namespace = root.field("create_namespace", True).boolean()
    secrets_node = root.field("secrets", {}).mapping("{jwt: {kind: jwt-hs256}}")
    secrets = tuple(parse_secret(n, node, secret_config) for n, node in secrets_node.items())
    check_unique_names(secrets_node, secrets, topology)
    check_sources(secrets_node, secrets)
    cloud = _cloud_settings(root, store, clouds, disposable=disposable)
    auth = parse_auth(root.field("auth")) if root.has("auth") else None
    hs256 = [s.name for s in secrets if s.kind == "jwt-hs256"]
    if auth is not None and hs256:
        secrets_node.child_raw(hs256[0]).fail(
            "is an HS256 key, but auth.jwksUrl is set: FluxLit refuses both",
            "remove the jwt-hs256 secret, or remove auth.jwksUrl",
        )
    deployments = _deployments(root, disposable)
    model = AppModel(
        app=app,
        namespace=namespace,
        environment=environment,
        topology=topology,
        store=store,
        delivery=delivery,
        disposable=disposable,
        create_namespace=create_namespace,
        secrets=secrets,
        deployments=deployments,
        cloud=cloud,
        auth=auth,
        network_policy=parse_network_policy(root.field("network_policy")) if root.has("network_policy") else None,
        admission=parse_admission(root.field("admission")),
        notices=tuple(root.shape.notices),
        cloud_block=_written(root, store),
        declared_in=root.shape.where if root.shape.config else "",
    )
    _check_stack_name(root, environment)
    if delivery == "csi":
        check_csi(root, secrets_node, model)
    clouds[store].check_names(model, secrets_node)
    return model


def _cloud_settings(root: Node, store: str, clouds: CloudModels, *, disposable: bool) -> CloudSettings | None:
    """The store's settings (None for the kubernetes store); every other cloud's block is validated
    too, even when unused."""
    for other in clouds:
        if other not in ("kubernetes", store) and root.has(other):
            clouds[other].parse(_cloud_block(root, other), disposable)
    if store == "kubernetes":
        return None
    block = _cloud_block(root, store)
    if block.value is None:
        block.fail(f"is missing for store: {store}", f"add the {store} settings block (README: the {store} section)")
    return clouds[store].parse(block, disposable)


def _cloud_block(root: Node, cloud: str) -> Node:
    """The `cloud` settings block: as written here, or a stack file's block shared with this app
    (`stack_args().cloud`), read again where it was written, so its errors name the stack file."""
    node = root.field(cloud)
    shared = node.value
    if not isinstance(shared, CloudBlock):
        return node
    if shared.cloud != cloud:
        node.fail(
            f"is the {shared.cloud} block of {shared.where}", f"pass it as `{shared.cloud}` with store {shared.cloud}"
        )
    return Shape.stack_file(shared.where).root({cloud: json.loads(shared.written)}, "{}").field(cloud)


def _written(root: Node, store: str) -> CloudBlock | None:
    """A stack file's settings block of its store, kept as written for code apps to share."""
    block = root.field(store)
    if not root.shape.config or store == "kubernetes" or not isinstance(block.value, Mapping):
        return None
    return CloudBlock(cloud=store, written=json.dumps(block.value, sort_keys=True), where=root.shape.where)


def _deployments(root: Node, disposable: bool) -> DeploymentsModel | None:
    """`deployments`, whose wait for pods only a disposable stack may skip."""
    if not root.has("deployments"):
        return None
    deployments = parse_deployments(root.field("deployments"))
    if not deployments.await_rollout and not disposable:
        root.field("deployments").field("await_rollout").fail(
            "is false on a stack that is not disposable: old secret versions are retired once the "
            "Deployments have rolled, which only the provider's wait tells",
            "keep the wait and bound it with deployments.rolloutTimeoutSeconds, or set disposable: true",
        )
    return deployments


def _check_stack_name(root: Node, environment: str) -> None:
    if not STACK_NAME.fullmatch(environment):
        raise ConfigError(
            "stack",
            f"{shown(environment)} is not a usable stack name",
            "use letters, digits, '-', '_' and '.'",
            where=root.shape.where,
        )
