"""One declared secret: kind, source, generation, consumers and their delivered names."""

import datetime as _dt
import re
from typing import Any

from fluxlit_secrets.model import names
from fluxlit_secrets.model.app import Consumer, SecretConfigLookup, SecretModel
from fluxlit_secrets.model.kinds import (
    DELIVERY_MODES,
    KINDS,
    RUNTIME_ENV_NAMES,
    SOURCES,
    WORKLOADS,
    Kind,
    fluxlit_reads_as,
)
from fluxlit_secrets.model.secretish import shown
from fluxlit_secrets.model.shape import NAMESPACE, Node

#: Fields of a secret in both shapes; stack config names its value's key, args pass the value.
COMMON_FIELDS = (
    "kind",
    "source",
    "generation",
    "length",
    "consumers",
    "overlap",
    "rotated_at",
    "max_age_days",
    "renamed_from",
)
CONFIG_FIELDS = (*COMMON_FIELDS[:4], "config_key", *COMMON_FIELDS[4:])
ARGS_FIELDS = (*COMMON_FIELDS[:4], "value", *COMMON_FIELDS[4:])
CONSUMER_FIELDS = ("as_", "name")
GENERATION_MAX = 1_000_000
LENGTH_RANGE = (32, 256)
PREVIOUS_SUFFIX = "_PREVIOUS"
DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
#: An unquoted YAML date as the Pulumi CLI hands it to a program: it decodes the YAML timestamp and
#: passes Go's rendering of it (time.Time.String), e.g. `2026-12-03 00:00:00 +0000 UTC`.
CLI_DATE = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2}) [0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)? [+-][0-9]{4} [A-Za-z0-9+-]+", re.ASCII
)


def label(node: Node, limit: int, what: str) -> str:
    """A DNS-1123 label of at most `limit` characters."""
    if not names.is_dns_label(node.value, limit):
        node.fail(
            f"{shown(node.value)} is not a DNS-1123 label of at most {limit} characters",
            f"use lowercase letters, digits and '-' for the {what}, starting and ending with a letter or digit",
        )
    return str(node.value)


def parse_secret(name: str, node: Node, secret_config: SecretConfigLookup | None) -> SecretModel:
    """Validate one entry of `secrets`."""
    label(Node(node.shape, node.path, name), names.LABEL_MAX, "secret name")
    node = node.mapping("{kind: opaque, consumers: {gateway: {as: file, name: API_TOKEN}}}")
    node.known(CONFIG_FIELDS if node.shape.config else ARGS_FIELDS)
    kind = KINDS[node.field("kind").required("use one of " + ", ".join(KINDS)).one_of(tuple(KINDS), "kind")]
    source = node.field("source", kind.default_source).one_of(SOURCES, "source")
    generation = node.field("generation", 1).whole(
        1, GENERATION_MAX, "start at 1 and add 1 for each rotation (`fluxlit-secrets rotate` does it)"
    )
    length = node.field("length", 64).whole(*LENGTH_RANGE, "omit it for 64 characters")
    if node.has("length") and source != "generated":
        node.field("length").fail("applies only to generated secrets", "remove it or set source: generated")
    consumers = parse_consumers(node.field("consumers"), kind)
    overlap = node.field("overlap", False).boolean()
    if overlap:
        _check_overlap(node, source, consumers)
    return SecretModel(
        name=name,
        kind=kind.name,
        source=source,
        generation=generation,
        length=length,
        config_key=_config_key(node, source, secret_config),
        consumers=consumers,
        overlap=overlap,
        rotated_at=_date(node.field("rotated_at")),
        max_age_days=None
        if not node.has("max_age_days")
        else node.field("max_age_days").whole(1, 3650, "give the most days between rotations"),
        renamed_from=None
        if not node.has("renamed_from")
        else label(node.field("renamed_from"), names.LABEL_MAX, "former secret name"),
    )


def _check_overlap(node: Node, source: str, consumers: tuple[Consumer, ...]) -> None:
    if source != "generated":
        node.field("overlap").fail(
            "needs a generated secret: the previous value of a config secret is not kept by the program",
            "declare the old value as a secret of its own for the switch, or remove overlap",
        )
    for d in consumers:
        longest = names.ENV_NAME_MAX if d.as_ == "env" else names.SECRET_KEY_MAX
        if len(d.name) + len(PREVIOUS_SUFFIX) > longest:
            node.field("consumers").child_raw(d.workload).field("name").fail(
                f"with overlap {d.name}{PREVIOUS_SUFFIX} is longer than {longest} characters", "shorten the name"
            )


def _date(node: Node) -> str | None:
    value = node.value
    if value is None:
        return None
    parsed: _dt.date | None = None
    if isinstance(value, _dt.datetime):
        parsed = value.date()
    elif isinstance(value, _dt.date):
        parsed = value
    elif isinstance(value, str) and (DATE.fullmatch(value) or CLI_DATE.fullmatch(value)):
        try:
            parsed = _dt.date.fromisoformat(value[:10])
        except ValueError:
            parsed = None
    if parsed is None or parsed.year < 2000:
        node.fail(f"must be a date YYYY-MM-DD, got {shown(value)}", "let `fluxlit-secrets rotate` write it")
    if parsed > _dt.date.today():
        node.fail(f"{parsed.isoformat()} is in the future, which would hide its age", "give the day it was rotated")
    return parsed.isoformat()


def _config_key(node: Node, source: str, secret_config: SecretConfigLookup | None) -> str | None:
    """Stack config: the key holding a config-sourced value, checked to exist and be secret."""
    value_field = "config_key" if node.shape.config else "value"
    if source != "config":
        if node.has(value_field):
            node.field(value_field).fail("applies only to source: config", "remove it or set source: config")
        return None
    if not node.shape.config:
        if not node.has("value"):
            node.field("value").fail(
                "is missing for a config-sourced secret", "pass the value (e.g. config.require_secret(...))"
            )
        return None
    ck = node.field("config_key").required(
        "name the secret config key that holds the value, e.g. configKey: oidcClientSecret"
    )
    if not isinstance(ck.value, str) or not names.CONFIG_KEY.fullmatch(ck.value):
        ck.fail(f"{shown(ck.value)} is not a config key name", "use letters, digits, '_', '.', '-'")
    full = ck.value if ":" in ck.value else f"{NAMESPACE}:{ck.value}"
    state = secret_config(full) if secret_config is not None else True
    if state is None:
        node.shape.fail(
            (full,), "is missing (the secret's value)", f"set it with `pulumi config set --secret {full} <value>`"
        )
    if state is False:
        node.shape.fail(
            (full,),
            "holds a plaintext value, not a secret",
            f"remove it and set it again with `pulumi config set --secret {full} <value>`",
        )
    return full


def parse_consumers(node: Node, kind: Kind) -> tuple[Consumer, ...]:
    """Who receives the secret, how, and under which name (default: the kind's, gateway only)."""
    if node.value is None:
        if kind.default_name is None:
            node.fail(
                "is missing: an opaque secret has no default consumer",
                "add consumers, e.g. {gateway: {as: file, name: API_TOKEN}}",
            )
        return (Consumer(workload="gateway", as_="file", name=kind.default_name),)
    node = node.mapping("{gateway: {as: file, name: API_TOKEN}}")
    if not node.value:
        node.fail("is empty", "name at least one of gateway, streamlit")
    out = []
    for workload, given in node.items():
        if workload not in WORKLOADS:
            Node(given.shape, given.path, workload).one_of(WORKLOADS, "workload")
        if kind.gateway_only and workload == "streamlit":
            given.fail(
                f"a {kind.name} secret is gateway-only ({kind.description})",
                "remove the streamlit consumer; only the gateway may hold it",
            )
        entry = given.mapping("{as: file, name: API_TOKEN}")
        mode = consumed_as(entry, CONSUMER_FIELDS)
        name_node = entry.field("name", kind.default_name)
        name_node.required("give the file or env var name, e.g. API_TOKEN")
        check_delivery_name(name_node, mode, workload, kind_name=kind.name)
        out.append(Consumer(workload=workload, as_=mode, name=name_node.value))
    return tuple(out)


def as_key(entry: Node) -> str:
    """The key a consumer's `as` was written under: `as` (stack config, wire), `as_` or `as`
    (Python args), or the deprecated `mode`."""
    given = [k for k in dict.fromkeys((entry.shape.spell("as_"), "as", "mode")) if k in entry.value]
    if len(given) > 1:
        entry.child_raw(given[1]).fail(f"repeats {given[0]!r}", f"keep only {entry.shape.spell('as_')!r}")
    return given[0] if given else entry.shape.spell("as_")


def consumed_as(entry: Node, fields: tuple[str, ...]) -> str:
    """A consumer's `as` (file or env; default file), its other keys checked against `fields`."""
    key = as_key(entry)
    others = {k: v for k, v in entry.value.items() if k not in ("as", "mode")}
    Node(entry.shape, entry.path, others).known(fields)
    if key == "mode":
        entry.shape.notices.append(
            f"{entry.child_raw('mode').key}: `mode` is deprecated; write `{entry.shape.spell('as_')}` (same values)"
        )
    node = entry.child_raw(key)
    return Node(node.shape, node.path, "file" if node.value is None else node.value).one_of(DELIVERY_MODES, "delivery")


def check_delivery_name(node: Node, mode: str, workload: str, *, kind_name: str) -> None:
    """A valid file or env var name that takes the place of nothing FluxLit or the workload sets."""
    name: Any = node.value
    if mode == "env" and not names.is_env_name(name):
        node.fail(
            f"{shown(name)} is not a valid environment variable name",
            "use letters, digits and '_', not starting with a digit, e.g. API_TOKEN",
        )
    if mode == "file" and not names.is_secret_key(name):
        node.fail(
            f"{shown(name)} is not a valid Secret key / file name",
            "use letters, digits, '-', '_' and '.', at most 253 characters, not starting with '..'",
        )
    if name.casefold().endswith(PREVIOUS_SUFFIX.casefold()):
        node.fail(f"names ending in {PREVIOUS_SUFFIX} are reserved for overlap", "choose another name")
    read_as = fluxlit_reads_as(name)
    if name in RUNTIME_ENV_NAMES or read_as in RUNTIME_ENV_NAMES:
        node.fail(f"{read_as or name} is set by the workload itself, not by a secret", "choose another name")
    if read_as is None:
        return
    if workload == "streamlit":
        node.fail(
            f"{read_as} is gateway-only FluxLit material (FluxLit reads names in any case) "
            "and must not reach Streamlit",
            "choose a name FluxLit does not read as gateway auth material",
        )
    if kind_name == "opaque":
        node.fail(
            f"FluxLit reads it as {read_as}, its own setting",
            f"declare the secret with its kind ({', '.join(k for k in KINDS if k != 'opaque')}) instead of opaque",
        )
    if KINDS[kind_name].default_name != read_as:
        node.fail(f"FluxLit reads it as {read_as}, where another kind of secret goes", "keep the kind's default name")


def check_sources(node: Node, secrets: tuple[SecretModel, ...]) -> None:
    """One value, one secret: no config key read by two secrets that reach different workloads,
    no `renamedFrom` naming a live secret or another secret's former name."""
    live = {s.name for s in secrets}
    by_key: dict[str, SecretModel] = {}
    former: dict[str, str] = {}
    for s in secrets:
        if s.config_key is not None:
            other = by_key.setdefault(s.config_key, s)
            if other is not s and other.read_by() != s.read_by():
                node.child_raw(s.name).field("config_key").fail(
                    f"names the config key secret {other.name!r} reads, for other workloads: "
                    "its value would reach them too",
                    "give each secret its own config key",
                )
        if s.renamed_from is not None:
            if s.renamed_from in live:
                node.child_raw(s.name).field("renamed_from").fail(
                    f"names {s.renamed_from!r}, a secret that is still declared",
                    "rename only a secret that is gone from the stack",
                )
            owner = former.setdefault(s.renamed_from, s.name)
            if owner != s.name:
                node.child_raw(s.name).field("renamed_from").fail(
                    f"names the former name of secret {owner!r} too", "a former name belongs to one secret"
                )


def check_unique_names(node: Node, secrets: tuple[SecretModel, ...], topology: str) -> None:
    """No two secrets delivered under one name to one pod."""
    groups = {"app": WORKLOADS} if topology == "unified" else {"gateway": ("gateway",), "streamlit": ("streamlit",)}
    for pod, members in groups.items():
        taken: dict[str, str] = {}
        for s in secrets:
            for d in s.consumers:
                if d.workload not in members:
                    continue
                # FluxLit reads names case-insensitively: two that differ only in case collide.
                owner = taken.setdefault(d.name.casefold(), s.name)
                if owner != s.name:
                    node.child_raw(s.name).field("consumers").child_raw(d.workload).field("name").fail(
                        f"{shown(d.name)} is already delivered to the {pod} pod by secret {owner!r}",
                        "give each secret its own name in a workload",
                    )
