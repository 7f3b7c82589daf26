"""Workloads layer: FluxLit Deployments and Services (split or unified), and NetworkPolicies."""

from fluxlit_secrets.workloads.deployments import PodInputs, fluxlit_workloads
from fluxlit_secrets.workloads.merge import merge_pod_template

__all__ = ["PodInputs", "fluxlit_workloads", "merge_pod_template"]
