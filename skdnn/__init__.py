"""skdnn: a from-scratch L-layer deep neural network for scikit-learn."""

from ._classifier import DeepNetClassifier
from ._display import LossCurveDisplay
from ._gradcheck import check_gradients
from ._grid import layer_grid
from ._regressor import DeepNetRegressor

__version__ = "0.1.0"

__all__ = [
    "DeepNetClassifier",
    "DeepNetRegressor",
    "LossCurveDisplay",
    "check_gradients",
    "layer_grid",
    "__version__",
]
