"""Workloads layer: FluxLit Deployments and Services (split or unified), and NetworkPolicies."""

from fluxlit_secrets.workloads.deployments import PodInputs, fluxlit_workloads

__all__ = ["PodInputs", "fluxlit_workloads"]
