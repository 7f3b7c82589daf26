"""`check`: the policy rules and secret ages over one stack's recorded resources."""

import datetime as _dt
from dataclasses import dataclass
from typing import Any

from fluxlit_secrets.clouds import CLOUD_MODELS
from fluxlit_secrets.clouds.catalog import containers
from fluxlit_secrets.engine.mocks import unwrap
from fluxlit_secrets.engine.monitor import Registration
from fluxlit_secrets.engine.run import Recording
from fluxlit_secrets.engine.stackmodel import model_of
from fluxlit_secrets.model.age import AgeFinding, Rotation, age_findings, ages_of
from fluxlit_secrets.model.parse import config_keys_of
from fluxlit_secrets.model.resources import Res
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


def policy_props(inputs: dict[str, Any], outputs: dict[str, Any]) -> dict[str, Any]:
    """As CrossGuard's stack policies see a resource: its state (outputs) with the inputs as given;
    metadata merged, so an auto-named object keeps the name the provider gave it."""
    props = {**outputs, **inputs}
    if isinstance(outputs.get("metadata"), dict) and isinstance(inputs.get("metadata"), dict):
        props["metadata"] = {**outputs["metadata"], **inputs["metadata"]}
    return props


def resources_of(rec: Recording) -> list[Res]:
    """The custom resources of a recording as the rules see them."""
    return [
        Res(
            type=r.type,
            name=r.name,
            urn=r.urn,
            props=policy_props(unwrap(r.inputs), unwrap(r.outputs)),
            protect=bool(r.options.get("protect")),
            retain_on_delete=bool(r.options.get("retainOnDelete")),
        )
        for r in rec.registrations
        if r.custom
    ]


def evaluate(resources: list[Res], rules: list[Rule] = RULES) -> list[Violation]:
    """Every violation, rule by rule."""
    found: list[Violation] = []
    for rule in rules:
        if rule.resource_check is not None:
            for res in resources:
                found += [
                    Violation(rule=rule.name, level=rule.level, resource=res.name, type=res.type, message=m)
                    for m in rule.resource_check(res)
                ]
        if rule.stack_check is not None:
            found += [
                Violation(rule=rule.name, level=rule.level, resource=res.name, type=res.type, message=m)
                for res, m in rule.stack_check(resources)
            ]
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


def ages(rec: Recording, today: _dt.date) -> list[AgeFinding]:
    """Secret ages: from the stack file's declarations, else from each SecretLifecycle's args in code."""
    model = model_of(rec.config, rec.stack, str(rec.config.path))
    if model is not None:
        return age_findings(model, today)
    found: list[AgeFinding] = []
    for r in rec.of_type("fluxlit-secrets:index:SecretLifecycle"):
        rotation = unwrap(rec.component_output(r.urn, "rotation")) or {}
        rotations = [
            Rotation(name, entry.get("rotatedAt"), entry.get("maxAgeDays"))
            for name, entry in sorted(rotation.items())
            if isinstance(entry, dict)
        ]
        fix = f'raise secrets.{{secret}}.generation of SecretLifecycle "{r.name}" in the program and set its rotated_at'
        found += ages_of(rotations, today, fix)
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
