"""The class paths of skdnn 0.1.0, so its pickles and skops files still load.

A pickle names each object's class by module and name; 0.2.0 moved these
classes into subpackages. Each old module path here is an alias, installed
in ``sys.modules`` when skdnn is imported, that hands out the moved classes.
They stay until skdnn 0.4.0 (see CHANGELOG.md); re-save a model with a
current version to drop the dependence on them.
"""

import sys
from types import ModuleType

from ._nn.network import Network
from ._train.optimizers import SGD, Adam
from ._train.schedules import LearningRateSchedule
from ._train.stopping import NoImprovement

MOVED = {
    "skdnn._network": {"Network": Network},
    "skdnn._optimizers": {
        "SGD": SGD,
        "Adam": Adam,
        "LearningRateSchedule": LearningRateSchedule,
    },
    "skdnn._stopping": {"NoImprovement": NoImprovement},
}


def install():
    """Put an alias module for each old path into ``sys.modules``."""
    package = sys.modules[__package__]
    for name, classes in MOVED.items():
        if name not in sys.modules:
            doc = f"Alias of moved classes, for skdnn 0.1.0's pickles: {name}."
            module = ModuleType(name, doc)
            module.__dict__.update(classes)
            sys.modules[name] = module
        setattr(package, name.rpartition(".")[2], sys.modules[name])
