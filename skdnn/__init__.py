"""skdnn: a from-scratch L-layer deep neural network for scikit-learn."""

from ._classifier import DeepNetClassifier
from ._display import LossCurveDisplay
from ._gradcheck import check_gradients
from ._grid import layer_grid

__version__ = "0.1.0"

__all__ = [
    "DeepNetClassifier",
    "LossCurveDisplay",
    "check_gradients",
    "layer_grid",
    "__version__",
]
