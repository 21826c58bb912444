"""skdnn: a from-scratch L-layer deep neural network for scikit-learn.

Public: :class:`DeepNetClassifier`, :class:`DeepNetRegressor`,
:func:`check_gradients`, :func:`layer_grid`, :class:`LossCurveDisplay`, and
the module :mod:`skdnn.onnx` (ONNX export; ``import skdnn`` never loads it).

The map of the package (all modules but this one and ``onnx.py`` are
private)::

    skdnn/
      _base.py          BaseDeepNet: the fit transaction, the network and θ,
                        warm start / partial_fit bookkeeping; builds a solver's
                        config from the hyperparameters and reads its result
      _classifier.py    DeepNetClassifier: labels in, probabilities out
      _regressor.py     DeepNetRegressor: real targets, scaled while training
      _params.py        hyperparameter constraints and checks
      _docs.py          the docstring blocks both estimators share
      _targets.py       labels -> classes_ and the 0/1 matrix Y
      _weights.py       sample_weight x class_weight
      _validation.py    input checks whose errors say what to do
      _fitted.py        coefs_, intercepts_ and batch norm's attributes as views
      _callbacks.py     scikit-learn's callbacks, one task per epoch
      _warnings.py      warnings attributed to the user's line
      _compat.py        the class paths of 0.1.0, for its pickles
      __main__.py       the demo (python -m skdnn)
      onnx.py           ONNX export: skl2onnx converters, layer by layer
                        (skdnn[onnx], imported only when asked for)
      conftest.py       pytest: the doctests of onnx.py only with its extra

      _nn/              the course's network: NumPy and SciPy, no scikit-learn
        course.py       the course's equations as written: the reference
        layer.py        what a layer is: parameter declarations, cache, pass mode
        linear.py       Z[l] = W[l] A[l-1] + b[l]
        activations.py  g and g' side by side; the Activation layer
        dense.py        LINEAR -> ACTIVATION in one block (fused ReLU passes)
        batchnorm.py    batch normalisation of Z[l]
        dropout.py      inverted dropout of A[l]
        outputs.py      g[L] with its loss and dZ[L] = A[L] - Y
        inputs.py       input layers fitted on X: robust scaling, bins
        ensemble.py     TabM-mini: k members, shared hidden layers, own heads
        layout.py       the flat vector θ and each layer's views of it
        penalty.py      the L2 term of J: cost, gradient, step coefficient
        initializers.py He, Glorot, small
        network.py      the stack: forward, backward in reverse, the cost J

      _train/           the solvers, on arrays: they never see the estimator
        config.py       typed settings in, TrainingResult out
        stochastic.py   the mini-batch loop ("sgd", "adam")
        lbfgs.py        the L-BFGS driver ("lbfgs")
        optimizers.py   SGD with momentum, then Adam: the reference updates
        schedules.py    the learning-rate schedules
        stopping.py     the no-improvement rule, the early-stopping split
        data.py         the training data and its mini-batches
        diagnosis.py    what went wrong in a fit, said once with the fix

      _fast/            every measured speed-up
        tuning.py       every tuned constant, with its measurement
        steps.py        the optimiser steps in cache-sized blocks, or compiled
        numba_steps.py  the compiled steps (skdnn[fast])
        numba_relu.py   the compiled ReLU passes (skdnn[fast])

      _tools/           around a network
        gradcheck.py    check_gradients
        inspect.py      summary() and diagnose()
        display.py      LossCurveDisplay (matplotlib, imported lazily)
        grid.py         layer_grid

Adding a layer kind is one module in ``_nn`` and one entry in
:data:`skdnn._nn.LAYERS` (CONTRIBUTING.md walks through it).
"""

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
