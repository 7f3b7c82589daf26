"""One cloud folder's entry in the catalog (pure): its model part (settings and name checks), its
policy part (what the rules know of its resources), and where its store, identity and mock fakes
live, imported only when that cloud is used, so each cloud SDK stays an optional extra."""

from dataclasses import dataclass, field
from typing import Optional

from fluxlit_secrets.clouds.csi import CsiOf
from fluxlit_secrets.clouds.policy import CloudPolicy
from fluxlit_secrets.model.cloud import CloudModel


@dataclass(frozen=True, kw_only=True)
class Cloud:
    """One cloud folder's entry in the dispatch table."""

    name: str
    #: Settings and name checks (pure: the model layer receives it).
    model: CloudModel
    #: `module:Class` of its SecretStore.
    store: str
    #: `module:Class` of its CloudIdentity (None: no cloud identity, the kubernetes store).
    identity: Optional[str] = None
    #: Module with the mocks' FAKES and FORCE_NEW for its resource types.
    fakes: Optional[str] = None
    #: pip extra that installs its SDK (None: always installed).
    extra: Optional[str] = None
    #: Its Secrets Store CSI provider (None: `delivery: csi` is not possible, the kubernetes store).
    csi: Optional[CsiOf] = None
    #: What the policy rules know of it: readers, trust, grants, containers, CSI objects (pure).
    policy: CloudPolicy = field(default_factory=CloudPolicy)
