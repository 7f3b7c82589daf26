"""Build and validate an `AppSpec` from the stack-config shape of DESIGN.md (pure Python)."""

from __future__ import annotations

import datetime as _dt
import json
import re
from collections.abc import Callable, Collection, Mapping
from typing import Any

from fluxlit_secrets.errors import ConfigError, did_you_mean, shown
from fluxlit_secrets.spec import names, naming
from fluxlit_secrets.spec.auth import parse_auth, parse_network_policy
from fluxlit_secrets.spec.clouds import parse_aws, parse_azure, parse_gcp
from fluxlit_secrets.spec.kinds import (
    DELIVERY_MODES,
    GATEWAY_ONLY_NAMES,
    KINDS,
    RUNTIME_ENV_NAMES,
    SOURCES,
    STORES,
    TOPOLOGIES,
    WORKLOADS,
)
from fluxlit_secrets.spec.model import AppSpec, Delivery, DeploymentsSpec, SecretSpec

NAMESPACE = "fluxlit-secrets"

#: Top-level keys of the stack config that this model reads.
TOP_KEYS = (
    "app",
    "namespace",
    "topology",
    "store",
    "disposable",
    "secrets",
    "deployments",
    "aws",
    "gcp",
    "azure",
    "auth",
    "networkPolicy",
)
#: Top-level keys that other tools read; accepted here as they are.
LATER_KEYS: tuple[str, ...] = ()
SECRET_KEYS = (
    "kind",
    "source",
    "generation",
    "length",
    "configKey",
    "consumers",
    "overlap",
    "rotatedAt",
    "maxAgeDays",
    "renamedFrom",
)
CONSUMER_KEYS = ("as", "name")
DEPLOYMENT_KEYS = (
    "image",
    "target",
    "apiPrefix",
    "gatewayReplicas",
    "streamlitReplicas",
    "streamlitScript",
    "imagePullPolicy",
    "runAsUser",
)
RESERVED_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
GENERATION_MAX = 1_000_000
LENGTH_RANGE = (32, 256)
TARGET = re.compile(r"^[A-Za-z_][A-Za-z0-9_.]*:[A-Za-z_][A-Za-z0-9_]*$")
IMAGE = re.compile(r"^[a-z0-9][a-z0-9._/:@-]*[a-zA-Z0-9_.-]$", re.IGNORECASE)
PREVIOUS_SUFFIX = "_PREVIOUS"

#: Answers, for a config key, None (absent), True (secret) or False (plaintext).
SecretConfigLookup = Callable[[str], "bool | None"]


#: Top-level keys whose Pulumi config string is taken as it is (never JSON-decoded).
STRING_KEYS = ("app", "namespace", "topology", "store")


def decode_config(key: str, raw: str) -> Any:
    """A Pulumi config string as the value the stack file meant (objects and booleans are JSON)."""
    if key in STRING_KEYS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw  # kept as a string: the spec says what type it wanted


def spec_from_config(values: Mapping[str, str], secret_keys: Collection[str], *, environment: str) -> AppSpec | None:
    """The AppSpec of a stack's config as the runtime sees it (None when it has no `app` key)."""
    prefix = f"{NAMESPACE}:"
    if f"{prefix}app" not in values:
        return None
    present = tuple(k[len(prefix) :] for k in values if k.startswith(prefix))
    decoded = {k: decode_config(k, values[prefix + k]) for k in (*TOP_KEYS, *LATER_KEYS) if prefix + k in values}

    def secret_state(key: str) -> bool | None:
        return None if key not in values else key in secret_keys

    return parse_app(decoded, environment=environment, secret_config=secret_state, config_keys=present)


def _key(*parts: str) -> str:
    return f"{NAMESPACE}:" + ".".join(parts)


def _one_of(value: Any, choices: tuple[str, ...], key: str, what: str) -> str:
    if value not in choices:
        raise ConfigError(
            key,
            f"unknown {what} {shown(value)}{did_you_mean(value, choices)}",
            "use one of " + ", ".join(choices),
        )
    return value


def _mapping(value: Any, key: str, example: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ConfigError(key, f"must be a mapping, got {type(value).__name__}", f"write it as {example}")
    return value


def _known_keys(value: Mapping[str, Any], allowed: tuple[str, ...], key: str) -> None:
    for k in value:
        if k not in allowed:
            raise ConfigError(
                f"{key}.{k}" if key else str(k),
                f"unknown key{did_you_mean(k, allowed)}",
                "valid keys are " + ", ".join(allowed),
            )


def _positive_int(value: Any, key: str, limit: int, fix: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= limit:
        raise ConfigError(key, f"must be a whole number from 1 to {limit}, got {shown(value)}", fix)
    return value


def _bool(value: Any, key: str) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(key, f"must be true or false, got {shown(value)}", "write true or false, unquoted")
    return value


def _label(value: Any, key: str, limit: int, what: str) -> str:
    if not names.is_dns_label(value, limit):
        raise ConfigError(
            key,
            f"{shown(value)} is not a DNS-1123 label of at most {limit} characters",
            f"use lowercase letters, digits and '-' for the {what}, starting and ending with a letter or digit",
        )
    return value


def parse_app(
    values: Mapping[str, Any],
    *,
    environment: str,
    secret_config: SecretConfigLookup | None = None,
    config_keys: tuple[str, ...] = (),
) -> AppSpec:
    """Validate the `fluxlit-secrets:*` stack config (keys without the namespace) into an AppSpec.

    `secret_config` tells, for a `configKey`, whether the value exists and is secret; without
    it (component args) config-sourced values are supplied directly. `config_keys` are the other
    keys present in the namespace, so a typo of a structural key is caught.
    """
    values = _mapping(values, NAMESPACE, "fluxlit-secrets:app: my-app")
    known = TOP_KEYS + LATER_KEYS
    for k in values:
        if k not in known:
            raise ConfigError(_key(k), f"unknown key{did_you_mean(k, known)}", "valid keys are " + ", ".join(known))
    if "app" not in values:
        raise ConfigError(_key("app"), "is missing", "set it to the app's DNS-1123 name, e.g. admin-portal")
    app = _label(values["app"], _key("app"), names.APP_MAX, "app name")
    namespace = _label(values.get("namespace", app), _key("namespace"), names.LABEL_MAX, "namespace")
    if namespace in RESERVED_NAMESPACES:
        raise ConfigError(
            _key("namespace"),
            f"{namespace!r} is shared with other workloads",
            "give the app a namespace of its own, e.g. the app name",
        )
    topology = _one_of(values.get("topology", "split"), TOPOLOGIES, _key("topology"), "topology")
    store = _one_of(values.get("store", "kubernetes"), STORES, _key("store"), "store")
    disposable = _bool(values.get("disposable", False), _key("disposable"))

    raw_secrets = _mapping(values.get("secrets", {}), _key("secrets"), "{jwt: {kind: jwt-hs256}}")
    secrets = tuple(
        _parse_secret(str(n), raw, secret_config) for n, raw in sorted(raw_secrets.items(), key=lambda i: str(i[0]))
    )
    _check_unique_names(secrets, topology)
    # Any other key of the namespace must hold a secret's value (a typo of a key is caught here).
    referenced = {
        s.config_key.split(":", 1)[1] for s in secrets if s.config_key and s.config_key.startswith(f"{NAMESPACE}:")
    }
    for k in config_keys:
        if k not in known and k not in referenced:
            raise ConfigError(
                _key(k),
                f"unknown key{did_you_mean(k, known)}",
                "valid keys are " + ", ".join(known) + ", or a key that a secret's configKey names",
            )

    deployments = None
    if values.get("deployments") is not None:
        deployments = _parse_deployments(values["deployments"])
    clouds = {
        "aws": lambda raw: parse_aws(raw, disposable=disposable),
        "gcp": parse_gcp,
        "azure": parse_azure,
    }
    settings = {c: parse(values[c]) for c, parse in clouds.items() if values.get(c) is not None}
    if store in clouds and store not in settings:
        raise ConfigError(
            _key(store),
            f"is missing for store: {store}",
            f"add the {store} settings block (README: the {store} section)",
        )
    auth = parse_auth(values["auth"]) if values.get("auth") is not None else None
    if auth is not None:
        hs256 = [s.name for s in secrets if s.kind == "jwt-hs256"]
        if hs256:
            raise ConfigError(
                _key("secrets", hs256[0]),
                "is an HS256 key, but auth.jwksUrl is set: FluxLit refuses both",
                "remove the jwt-hs256 secret, or remove auth.jwksUrl",
            )
    network_policy = parse_network_policy(values["networkPolicy"]) if values.get("networkPolicy") is not None else None
    spec = AppSpec(
        auth=auth,
        network_policy=network_policy,
        app=app,
        namespace=namespace,
        environment=environment,
        topology=topology,
        store=store,
        disposable=disposable,
        secrets=secrets,
        deployments=deployments,
        **settings,
    )
    _check_physical_names(spec)
    return spec


def _check_physical_names(spec: AppSpec) -> None:
    """Each store's own name rules, for every secret (the longest name decides)."""
    if not re.match(r"^[A-Za-z0-9_.-]{1,100}$", spec.environment):
        raise ConfigError(
            "stack", f"{shown(spec.environment)} is not a usable stack name", "use letters, digits, '-', '_' and '.'"
        )
    rules = {
        # store: (name of the secret there, most characters, allowed pattern, what it is, allowed characters)
        "aws": (
            lambda p: naming.aws_secret_name(spec.aws.name_prefix, spec.app, spec.environment, p),  # type: ignore[union-attr]
            512,
            r"^[A-Za-z0-9/_+=.@-]+$",
            "AWS name",
            "letters, digits and /_+=.@-",
        ),
        "gcp": (
            lambda p: naming.gcp_secret_id(spec.app, spec.environment, p),
            255,
            r"^[A-Za-z0-9_-]+$",
            "Secret Manager id",
            "letters, digits, '-' and '_'",
        ),
        "azure": (
            lambda p: naming.azure_secret_name(spec.app, spec.environment, p),
            127,
            r"^[A-Za-z][0-9A-Za-z-]*$",
            "Key Vault name",
            "a letter first, then letters, digits and '-'",
        ),
    }
    if spec.store not in rules:
        return
    name_of, most, pattern, what, allowed = rules[spec.store]
    for s in spec.secrets:
        key = _key("secrets", s.name)
        name = name_of(s.renamed_from or s.name)
        if len(name) > most:
            raise ConfigError(
                key,
                f"its {what} {shown(name, 80)} is longer than {most} characters",
                "shorten the app, stack or secret name",
            )
        if not re.match(pattern, name):
            raise ConfigError(
                key,
                f"its {what} {shown(name, 80)} has characters the store refuses",
                f"use {allowed} in the app, stack and secret names",
            )
        if spec.store == "aws" and re.search(r"-[A-Za-z0-9]{6}$", name):
            raise ConfigError(
                key,
                "its AWS name ends in '-' and six characters, like an ARN suffix",
                "choose a secret name whose last part is not six characters after '-'",
            )


def _parse_secret(name: str, raw: Any, secret_config: SecretConfigLookup | None) -> SecretSpec:
    key = _key("secrets", name)
    _label(name, key, names.LABEL_MAX, "secret name")
    raw = _mapping(raw, key, "{kind: opaque, consumers: {gateway: {as: file, name: API_TOKEN}}}")
    _known_keys(raw, SECRET_KEYS, key)
    if "kind" not in raw:
        raise ConfigError(f"{key}.kind", "is missing", "use one of " + ", ".join(KINDS))
    kind = KINDS[_one_of(raw["kind"], tuple(KINDS), f"{key}.kind", "kind")]
    source = raw.get("source", kind.default_source)
    source = _one_of(source, SOURCES, f"{key}.source", "source")
    generation = _positive_int(
        raw.get("generation", 1),
        f"{key}.generation",
        GENERATION_MAX,
        "start at 1 and add 1 for each rotation (`fluxlit-secrets rotate` does it)",
    )
    length = raw.get("length", 64)
    if isinstance(length, bool) or not isinstance(length, int) or not LENGTH_RANGE[0] <= length <= LENGTH_RANGE[1]:
        raise ConfigError(
            f"{key}.length",
            f"must be a whole number from {LENGTH_RANGE[0]} to {LENGTH_RANGE[1]}, got {shown(length)}",
            "omit it for 64 characters",
        )
    if "length" in raw and source != "generated":
        raise ConfigError(f"{key}.length", "applies only to generated secrets", "remove it or set source: generated")

    config_key = _parse_config_key(raw, key, source, secret_config)
    deliveries = _parse_consumers(raw.get("consumers"), key, kind.name)
    overlap = _bool(raw.get("overlap", False), f"{key}.overlap")
    if overlap and source != "generated":
        raise ConfigError(
            f"{key}.overlap",
            "needs a generated secret: the previous value of a config secret is not kept by the program",
            "declare the old value as a secret of its own for the switch, or remove overlap",
        )
    if overlap:
        for d in deliveries:
            longest = names.ENV_NAME_MAX if d.mode == "env" else names.SECRET_KEY_MAX
            if len(d.name) + len(PREVIOUS_SUFFIX) > longest:
                raise ConfigError(
                    f"{key}.consumers.{d.workload}.name",
                    f"with overlap {d.name}{PREVIOUS_SUFFIX} is longer than {longest} characters",
                    "shorten the name",
                )
    rotated_at = raw.get("rotatedAt")
    if rotated_at is not None:
        rotated_at = _parse_date(rotated_at, f"{key}.rotatedAt")
    max_age = raw.get("maxAgeDays")
    if max_age is not None:
        max_age = _positive_int(max_age, f"{key}.maxAgeDays", 3650, "give the most days between rotations")
    renamed_from = raw.get("renamedFrom")
    if renamed_from is not None:
        _label(renamed_from, f"{key}.renamedFrom", names.LABEL_MAX, "former secret name")
    return SecretSpec(
        renamed_from=renamed_from,
        name=name,
        kind=kind.name,
        source=source,
        generation=generation,
        length=length,
        config_key=config_key,
        deliveries=deliveries,
        overlap=overlap,
        rotated_at=rotated_at,
        max_age_days=max_age,
    )


def _parse_date(value: Any, key: str) -> str:
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return _dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise ConfigError(key, f"must be a date YYYY-MM-DD, got {shown(value)}", "let `fluxlit-secrets rotate` write it")


def _parse_config_key(
    raw: Mapping[str, Any], key: str, source: str, secret_config: SecretConfigLookup | None
) -> str | None:
    if source != "config":
        if "configKey" in raw:
            raise ConfigError(f"{key}.configKey", "applies only to source: config", "remove it or set source: config")
        return None
    ck = raw.get("configKey")
    if ck is None:
        if secret_config is None:
            return None  # component args carry the value itself
        raise ConfigError(
            f"{key}.configKey",
            "is missing for a config-sourced secret",
            "name the secret config key that holds the value, e.g. configKey: oidcClientSecret",
        )
    if not isinstance(ck, str) or not names.CONFIG_KEY.match(ck):
        raise ConfigError(
            f"{key}.configKey", f"{shown(ck)} is not a config key name", "use letters, digits, '_', '.', '-'"
        )
    full = ck if ":" in ck else f"{NAMESPACE}:{ck}"
    if secret_config is not None:
        state = secret_config(full)
        if state is None:
            raise ConfigError(
                full,
                "is missing (the secret's value)",
                f"set it with `pulumi config set --secret {full} <value>`",
            )
        if state is False:
            raise ConfigError(
                full,
                "holds a plaintext value, not a secret",
                f"remove it and set it again with `pulumi config set --secret {full} <value>`",
            )
    return full


def _parse_consumers(raw: Any, key: str, kind_name: str) -> tuple[Delivery, ...]:
    kind = KINDS[kind_name]
    ckey = f"{key}.consumers"
    if raw is None:
        if kind.default_name is None:
            raise ConfigError(
                ckey,
                "is missing: an opaque secret has no default consumer",
                "add consumers, e.g. {gateway: {as: file, name: API_TOKEN}}",
            )
        return (Delivery(workload="gateway", mode="file", name=kind.default_name),)
    raw = _mapping(raw, ckey, "{gateway: {as: file, name: API_TOKEN}}")
    if not raw:
        raise ConfigError(ckey, "is empty", "name at least one of gateway, streamlit")
    out = []
    for workload, spec in raw.items():
        wkey = f"{ckey}.{workload}"
        _one_of(workload, WORKLOADS, wkey, "workload")
        if kind.gateway_only and workload == "streamlit":
            raise ConfigError(
                wkey,
                f"a {kind_name} secret is gateway-only ({kind.description})",
                "remove the streamlit consumer; only the gateway may hold it",
            )
        entry = {} if spec is None else _mapping(spec, wkey, "{as: file, name: API_TOKEN}")
        _known_keys(entry, CONSUMER_KEYS, wkey)
        mode = _one_of(entry.get("as", "file"), DELIVERY_MODES, f"{wkey}.as", "delivery")
        name = entry.get("name", kind.default_name)
        if name is None:
            raise ConfigError(f"{wkey}.name", "is missing", "give the file or env var name, e.g. API_TOKEN")
        _check_delivery_name(name, mode, f"{wkey}.name", workload, kind_name)
        out.append(Delivery(workload=workload, mode=mode, name=name))
    return tuple(out)


def _check_delivery_name(name: Any, mode: str, key: str, workload: str, kind_name: str) -> None:
    if mode == "env" and not names.is_env_name(name):
        raise ConfigError(
            key,
            f"{shown(name)} is not a valid environment variable name",
            "use letters, digits and '_', not starting with a digit, e.g. API_TOKEN",
        )
    if mode == "file" and not names.is_secret_key(name):
        raise ConfigError(
            key,
            f"{shown(name)} is not a valid Secret key / file name",
            "use letters, digits, '-', '_' and '.', at most 253 characters, not starting with '..'",
        )
    if name.endswith(PREVIOUS_SUFFIX):
        raise ConfigError(key, f"names ending in {PREVIOUS_SUFFIX} are reserved for overlap", "choose another name")
    if name in RUNTIME_ENV_NAMES:
        raise ConfigError(key, f"{name} is set by the workload itself, not by a secret", "choose another name")
    if workload == "streamlit" and name in GATEWAY_ONLY_NAMES:
        raise ConfigError(
            key,
            f"{name} is gateway-only FluxLit material and must not reach Streamlit",
            "choose a name FluxLit does not read as gateway auth material",
        )
    if kind_name != "opaque" and KINDS[kind_name].default_name != name and name in GATEWAY_ONLY_NAMES:
        raise ConfigError(key, f"{name} is where FluxLit reads another kind of secret", "keep the kind's default name")
    if kind_name == "opaque" and name in GATEWAY_ONLY_NAMES:
        raise ConfigError(
            key,
            f"{name} is FluxLit's own setting",
            f"declare the secret with its kind ({', '.join(k for k in KINDS if k != 'opaque')}) instead of opaque",
        )


def _check_unique_names(secrets: tuple[SecretSpec, ...], topology: str) -> None:
    groups = {"gateway": ("gateway",), "streamlit": ("streamlit",)}
    if topology == "unified":
        groups = {"app": ("gateway", "streamlit")}
    for pod, members in groups.items():
        taken: dict[str, str] = {}
        for s in secrets:
            for d in s.deliveries:
                if d.workload not in members:
                    continue
                owner = taken.setdefault(d.name, s.name)
                if owner != s.name:
                    raise ConfigError(
                        _key("secrets", s.name, "consumers", d.workload, "name"),
                        f"{d.name} is already delivered to the {pod} pod by secret {owner!r}",
                        "give each secret its own name in a workload",
                    )


def _parse_deployments(raw: Any) -> DeploymentsSpec:
    key = _key("deployments")
    raw = _mapping(raw, key, "{image: ghcr.io/acme/app:1.0.0}")
    _known_keys(raw, DEPLOYMENT_KEYS, key)
    image = raw.get("image")
    if not isinstance(image, str) or len(image) > 512 or not IMAGE.match(image):
        raise ConfigError(
            f"{key}.image",
            f"{shown(image)} is not an image reference",
            "give a registry/repository:tag (or @sha256 digest), e.g. ghcr.io/acme/app:1.4.2",
        )
    target = raw.get("target", "app:app")
    if not isinstance(target, str) or not TARGET.match(target):
        raise ConfigError(f"{key}.target", f"{shown(target)} is not a module:attribute target", "e.g. app:app")
    api_prefix = raw.get("apiPrefix", "/api")
    if not isinstance(api_prefix, str) or not re.match(r"^/[A-Za-z0-9._~/-]*$", api_prefix) or api_prefix == "/":
        raise ConfigError(f"{key}.apiPrefix", f"{shown(api_prefix)} is not an API path", "e.g. /api")
    script = raw.get("streamlitScript")
    if script is not None and (not isinstance(script, str) or not re.match(r"^/[A-Za-z0-9._/-]+\.py$", script)):
        raise ConfigError(
            f"{key}.streamlitScript",
            f"{shown(script)} is not an absolute path to a .py file",
            "omit it to locate fluxlit/streamlit/main.py in the image at start",
        )
    pull = _one_of(
        raw.get("imagePullPolicy", "Always"),
        ("Always", "IfNotPresent", "Never"),
        f"{key}.imagePullPolicy",
        "pull policy",
    )
    return DeploymentsSpec(
        image=image,
        target=target,
        api_prefix=api_prefix.rstrip("/"),
        gateway_replicas=_positive_int(raw.get("gatewayReplicas", 2), f"{key}.gatewayReplicas", 100, "e.g. 2"),
        streamlit_replicas=_positive_int(raw.get("streamlitReplicas", 1), f"{key}.streamlitReplicas", 100, "e.g. 1"),
        streamlit_script=script,
        image_pull_policy=pull,
        run_as_user=_positive_int(
            raw.get("runAsUser", 10001),
            f"{key}.runAsUser",
            2**31 - 1,
            "give a non-root uid, e.g. 10001 (or 1000, the uid of `fluxlit build` images)",
        ),
    )
