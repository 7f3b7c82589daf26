"""The rules as CrossGuard policies (pulumi-policy), for `pulumi up --policy-pack policies`."""

from __future__ import annotations

from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from fluxlit_secrets.policy.model import Res
from fluxlit_secrets.policy.rules import MANDATORY, RULES, Rule

LEVELS = {"mandatory": EnforcementLevel.MANDATORY, "advisory": EnforcementLevel.ADVISORY}


def _res(resource_type: str, name: str, urn: str, props: Any, protect: bool) -> Res:
    return Res(type=resource_type, name=name, urn=urn, props=dict(props or {}), protect=protect)


def _resource_policy(rule: Rule) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        res = _res(args.resource_type, args.name, args.urn, args.props, bool(args.opts and args.opts.protect))
        for message in rule.resource_check(res):  # type: ignore[misc]
            report(message, args.urn)

    return ResourceValidationPolicy(
        name=rule.name, description=rule.description, validate=validate, enforcement_level=LEVELS[rule.level]
    )


def _stack_policy(rule: Rule) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        resources = [
            _res(r.resource_type, r.name, r.urn, r.props, bool(r.opts and r.opts.protect)) for r in args.resources
        ]
        for res, message in rule.stack_check(resources):  # type: ignore[misc]
            report(message, res.urn)

    return StackValidationPolicy(
        name=rule.name, description=rule.description, validate=validate, enforcement_level=LEVELS[rule.level]
    )


def policies() -> list[ResourceValidationPolicy | StackValidationPolicy]:
    """One CrossGuard policy per rule, with the rule's name, description and enforcement level."""
    return [_resource_policy(r) if r.resource_check else _stack_policy(r) for r in RULES]


__all__ = ["MANDATORY", "policies"]
