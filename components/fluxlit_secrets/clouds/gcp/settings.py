"""GCP settings (`gcp` block): project, identity flavour, replication."""

import re
from dataclasses import dataclass

from fluxlit_secrets.model.app import CloudSettings
from fluxlit_secrets.model.secretish import shown
from fluxlit_secrets.model.shape import Node

GCP_PROJECT = re.compile(r"[a-z][a-z0-9-]{4,28}[a-z0-9]", re.ASCII)
GCP_LOCATION = re.compile(r"[a-z]+(-[a-z]+)+[0-9]+", re.ASCII)
PROJECT_NUMBER = re.compile(r"[1-9][0-9]{5,18}", re.ASCII)
IDENTITIES = ("direct", "service-account")
#: The CSI provider: Google's open-source one (`gcp`) or GKE's managed add-on (`gke`).
CSI_PROVIDERS = ("gcp", "gke")
FIELDS = ("project", "project_number", "identity", "replication", "csi_provider")


@dataclass(frozen=True, kw_only=True)
class GcpSettings(CloudSettings):
    """GCP Secret Manager and GKE Workload Identity settings."""

    project: str
    project_number: str
    identity: str  # direct | service-account
    replication: tuple[str, ...] = ()  # empty: automatic
    csi_provider: str = "gcp"  # gcp | gke (delivery: csi)

    @property
    def pool(self) -> str:
        """The GKE workload identity pool of the project."""
        return f"{self.project}.svc.id.goog"


def _replication(node: Node) -> tuple[str, ...]:
    value = node.value
    if value == "auto" or (value == [] and not node.shape.config):
        return ()  # component args: an empty list means automatic
    if isinstance(value, list) and value and all(isinstance(x, str) and GCP_LOCATION.fullmatch(x) for x in value):
        if len(set(value)) != len(value):
            node.fail("lists a location twice", "list each location once")
        return tuple(value)
    node.fail(
        f"{shown(value)} is not auto or a list of locations",
        "write auto, or a list such as [europe-west1, europe-west4]",
    )


def parse_gcp(node: Node, disposable: bool) -> GcpSettings:
    """Validate the `gcp` block."""
    node = node.mapping("{project: acme-prod, projectNumber: '123456789012', identity: direct}")
    node.known(FIELDS)
    project = node.field("project").required("give the project id: 6-30 lowercase letters, digits, '-'")
    project.text(GCP_PROJECT, "give the project id: 6-30 lowercase letters, digits, '-'")
    number = node.field("project_number").required('give the project number, quoted, e.g. "123456789012"')
    if isinstance(number.value, int) and not isinstance(number.value, bool):
        number.fail("is a number, and YAML may round it", 'quote it: "123456789012"')
    number.text(PROJECT_NUMBER, 'give the project number, quoted, e.g. "123456789012"')
    return GcpSettings(
        project=project.value,
        project_number=number.value,
        identity=node.field("identity", "direct").one_of(IDENTITIES, "identity"),
        replication=_replication(node.field("replication", "auto")),
        csi_provider=node.field("csi_provider", "gcp").one_of(CSI_PROVIDERS, "CSI provider"),
    )
