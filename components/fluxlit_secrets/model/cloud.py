"""What the model needs from a cloud: its settings keys, their parser, and its name checks.

Clouds live in `fluxlit_secrets.clouds.<cloud>`; the model receives this table from there, so the
model layer imports no cloud (and no Pulumi).
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from fluxlit_secrets.model.app import AppModel, CloudSettings
from fluxlit_secrets.model.shape import Node


@dataclass(frozen=True)
class CloudModel:
    """One cloud's part of the model."""

    #: The settings block's fields (snake_case; camelCase in stack files).
    fields: tuple[str, ...]
    #: Validate the settings block: (node, disposable) -> settings.
    parse: Callable[[Node, bool], CloudSettings]
    #: Refuse physical names the store cannot hold (after the whole model is parsed).
    check_names: Callable[[AppModel, Node], None]


CloudModels = Mapping[str, CloudModel]
