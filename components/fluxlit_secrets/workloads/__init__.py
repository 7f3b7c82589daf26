"""Workloads layer: optional FluxLit Deployments and Services, split or unified."""

from fluxlit_secrets.workloads.component import FluxLitWorkloads, FluxLitWorkloadsArgs, WorkloadPodArgs

__all__ = ["FluxLitWorkloads", "FluxLitWorkloadsArgs", "WorkloadPodArgs"]
