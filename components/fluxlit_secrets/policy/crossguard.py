"""The rules as CrossGuard policies (pulumi-policy), for `pulumi up --policy-pack policies`."""

from collections.abc import Callable, Iterable
from typing import Any

from pulumi_policy import (
    EnforcementLevel,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)

from fluxlit_secrets.model.resources import Res
from fluxlit_secrets.policy.rules import MANDATORY, RULES, Rule

LEVELS = {"mandatory": EnforcementLevel.MANDATORY, "advisory": EnforcementLevel.ADVISORY}


def _res(resource_type: str, name: str, urn: str, *, props: Any, protect: bool) -> Res:
    """The resource as a rule sees it. `props` stays pulumi-policy's proxy: in a preview a rule
    that reads a value not known yet is reported as not runnable (advisory), while a rule that
    never reads it runs; copying the props would read every value and stop every rule."""
    return Res(type=resource_type, name=name, urn=urn, props=props if props is not None else {}, protect=protect)


def _resource_policy(rule: Rule, check: Callable[[Res], Iterable[str]]) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report: ReportViolation) -> None:
        res = _res(
            args.resource_type, args.name, args.urn, props=args.props, protect=bool(args.opts and args.opts.protect)
        )
        for message in check(res):
            report(message, args.urn)

    return ResourceValidationPolicy(
        name=rule.name, description=rule.description, validate=validate, enforcement_level=LEVELS[rule.level]
    )


def _stack_policy(rule: Rule, check: Callable[[list[Res]], Iterable[tuple[Res, str]]]) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        resources = [
            _res(r.resource_type, r.name, r.urn, props=r.props, protect=bool(r.opts and r.opts.protect))
            for r in args.resources
        ]
        for res, message in check(resources):
            report(message, res.urn)

    return StackValidationPolicy(
        name=rule.name, description=rule.description, validate=validate, enforcement_level=LEVELS[rule.level]
    )


def policies() -> list[ResourceValidationPolicy | StackValidationPolicy]:
    """One CrossGuard policy per rule, with the rule's name, description and enforcement level."""
    out: list[ResourceValidationPolicy | StackValidationPolicy] = []
    for rule in RULES:
        if rule.resource_check is not None:
            out.append(_resource_policy(rule, rule.resource_check))
        if rule.stack_check is not None:
            out.append(_stack_policy(rule, rule.stack_check))
    return out


__all__ = ["MANDATORY", "policies"]
