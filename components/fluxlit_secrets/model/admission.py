"""`admission`: whether the app's ValidatingAdmissionPolicy is created, and why not when it is off."""

from dataclasses import dataclass

from fluxlit_secrets.model.secretish import shown
from fluxlit_secrets.model.shape import Node

ADMISSION_FIELDS = ("enabled", "reason")
REASON_MAX = 200


@dataclass(frozen=True, kw_only=True)
class AdmissionSettings:
    """On by default; off only with a reason, which `check` and the pack report."""

    enabled: bool = True
    reason: str | None = None


def parse_admission(node: Node) -> AdmissionSettings:
    """Validate `admission` ({enabled: false, reason: "..."}; {} or absent: on)."""
    node = node.mapping('{enabled: false, reason: "the cluster runs Kubernetes 1.29"}')
    node.known(ADMISSION_FIELDS)
    enabled = node.field("enabled", True).boolean()
    reason = node.field("reason")
    text = reason.value
    if text is not None and (
        not isinstance(text, str) or not text.strip() or len(text) > REASON_MAX or not text.isprintable()
    ):
        reason.fail(f"{shown(text)} is not a printable line of at most {REASON_MAX} characters", "say why in one line")
    if not enabled and text is None:
        reason.fail(
            "is missing: the admission policy is what refuses an app program's way around the rules",
            'say why it is off, e.g. reason: "the cluster runs Kubernetes 1.29", or remove enabled: false',
        )
    if enabled and text is not None:
        reason.fail("is set, but the admission policy is on", "remove reason, or set enabled: false")
    return AdmissionSettings(enabled=enabled, reason=text)
