"""skdnn: a from-scratch L-layer deep neural network for scikit-learn."""

from . import _compat
from ._classifier import DeepNetClassifier
from ._regressor import DeepNetRegressor
from ._tools.display import LossCurveDisplay
from ._tools.gradcheck import check_gradients
from ._tools.grid import layer_grid

__version__ = "0.2.0"

_compat.install()

__all__ = [
    "DeepNetClassifier",
    "DeepNetRegressor",
    "LossCurveDisplay",
    "check_gradients",
    "layer_grid",
    "__version__",
]
