"""`check`: the policy rules and secret ages over one stack's recorded resources."""

import datetime as _dt
from dataclasses import dataclass
from typing import Any

from fluxlit_secrets.clouds import CLOUD_MODELS
from fluxlit_secrets.clouds.catalog import containers
from fluxlit_secrets.engine.mocks import unwrap
from fluxlit_secrets.engine.monitor import Registration
from fluxlit_secrets.engine.placement import placements
from fluxlit_secrets.engine.run import Recording
from fluxlit_secrets.engine.stackmodel import model_of
from fluxlit_secrets.model.age import AgeFinding, Rotation, ages_of
from fluxlit_secrets.model.masking import marked_values
from fluxlit_secrets.model.parse import config_keys_of
from fluxlit_secrets.model.resources import (
    CONFIG_GROUPS,
    LIFECYCLE_TYPE,
    RECORDING_COMPONENTS,
    Res,
    config_group_objects,
)
from fluxlit_secrets.model.secretish import secret_literal
from fluxlit_secrets.policy.rules import RULES, Rule


@dataclass(frozen=True, kw_only=True)
class Violation:
    """One rule broken by one resource."""

    rule: str
    level: str
    resource: str
    type: str
    message: str
    #: The app (component) and cluster of the resource, '' where not known.
    app: str = ""
    cluster: str = ""


def policy_props(inputs: dict[str, Any], outputs: dict[str, Any]) -> dict[str, Any]:
    """As CrossGuard's stack policies see a resource: its state (outputs) with the inputs as given;
    metadata merged, so an auto-named object keeps the name the provider gave it."""
    props = {**outputs, **inputs}
    if isinstance(outputs.get("metadata"), dict) and isinstance(inputs.get("metadata"), dict):
        props["metadata"] = {**outputs["metadata"], **inputs["metadata"]}
    return props


def resources_of(rec: Recording) -> list[Res]:
    """The custom resources of a recording as the rules see them, each placed in its app and cluster."""
    where = placements(
        {"urn": r.urn, "type": r.type, "name": r.name, "parent": r.parent, "custom": r.custom}
        | {"inputs": r.inputs, "options": r.options}
        for r in rec.registrations
    )
    listed = [
        Res(
            type=r.type,
            name=r.name,
            urn=r.urn,
            props=(
                policy_props(unwrap(r.inputs), unwrap(r.outputs))
                if r.custom or r.type in CONFIG_GROUPS
                else unwrap(rec.outputs_of(r.urn))
            ),
            protect=bool(r.options.get("protect")),
            retain_on_delete=bool(r.options.get("retainOnDelete")),
            app=where[r.urn].app,
            cluster=where[r.urn].cluster,
            secret_values=_marked_text(r),
        )
        for r in rec.registrations
        if r.custom or r.type in RECORDING_COMPONENTS or r.type in CONFIG_GROUPS
    ]
    # A ConfigGroup is a component whose objects the provider registers at `up`; offline, read them
    # from its inputs.
    return [x for r in listed for x in (config_group_objects(r) if r.type in CONFIG_GROUPS else [r])]


def _marked_text(r: Registration) -> tuple[str, ...]:
    """The text values a resource's inputs and outputs mark secret (a provider's credentials aside)."""
    if r.type.startswith("pulumi:providers:"):
        return ()
    found = [*marked_values(r.inputs), *marked_values(r.outputs)]
    return tuple(sorted({v for v in found if isinstance(v, str)}))


def _violation(rule: Rule, res: Res, message: str) -> Violation:
    return Violation(
        rule=rule.name,
        level=rule.level,
        resource=res.name,
        type=res.type,
        message=message,
        app=res.app,
        cluster=res.cluster,
    )


def evaluate(resources: list[Res], rules: list[Rule] = RULES) -> list[Violation]:
    """Every violation, rule by rule."""
    found: list[Violation] = []
    for rule in rules:
        if rule.resource_check is not None:
            for res in resources:
                found += [_violation(rule, res, m) for m in rule.resource_check(res)]
        if rule.stack_check is not None:
            found += [_violation(rule, res, m) for res, m in rule.stack_check(resources)]
    return found


#: Generated values of record (every store's), beside each cloud's containers (clouds.catalog).
GENERATED = "random:index/randomPassword:RandomPassword"


def _tags(r: Registration) -> dict[str, Any]:
    tags = r.inputs.get("tags") or r.inputs.get("labels") if isinstance(r.inputs, dict) else None
    return tags if isinstance(tags, dict) else {}


def disposable_note(rec: Recording) -> str | None:
    """What loses protection on a stack marked disposable (None for a protected stack)."""
    model = model_of(rec.config, rec.stack, str(rec.config.path))
    tagged = any(str(_tags(r).get("disposable")) == "true" for r in rec.registrations)
    if not (model is not None and model.disposable) and not tagged:
        return None
    kept = containers() | {GENERATED}
    exposed = [r for r in rec.registrations if r.type in kept and not r.options.get("protect")]
    return (
        f"stack {rec.stack} is disposable: {len(exposed)} values of record and secret containers are not protected, "
        "so `pulumi destroy` (or a rename) deletes them; remove `disposable: true` for a stack that matters"
    )


def declared_secrets(rec: Recording) -> list[tuple[str, str, dict[str, Any]]]:
    """(component, secret, rotation entry) of every SecretLifecycle's secrets, in name order; the
    entry's `declaredIn` is the stack file the secret comes from, or "code"."""
    found = []
    for r in sorted(rec.of_type(LIFECYCLE_TYPE), key=lambda r: r.name):
        rotation = unwrap(rec.component_output(r.urn, "rotation")) or {}
        found += [(r.name, name, entry) for name, entry in sorted(rotation.items()) if isinstance(entry, dict)]
    return found


def ages(rec: Recording, today: _dt.date) -> list[AgeFinding]:
    """Secret ages of every app in the program, each named `app/secret` (the component's name), with
    the fix where the secret is declared: `rotate` for a stack file's, the component's args for code."""
    found: list[AgeFinding] = []
    for app, name, entry in declared_secrets(rec):
        if entry.get("valuesFrom"):
            continue  # its source's age is the age of the value it delivers
        if (entry.get("declaredIn") or "code") == "code":
            fix = f'raise secrets.{name}.generation of SecretLifecycle "{app}" in the program and set its rotated_at'
        else:
            fix = f"run `fluxlit-secrets rotate --stack {rec.stack} {app}/{name}`"
        rotation = Rotation(f"{app}/{name}", entry.get("rotatedAt"), entry.get("maxAgeDays"))
        found += ages_of([rotation], today, fix)
    return found


def plaintext_config(rec: Recording) -> list[str]:
    """Config keys of the stack file that hold a plaintext value that looks like a secret."""
    secret_keys = set(rec.config.secret_keys)
    return sorted(
        key
        for key, value in rec.config.values.items()
        if key not in secret_keys
        and key.split(":", 1)[-1] not in config_keys_of(CLOUD_MODELS)
        and secret_literal(key, value)
    )
