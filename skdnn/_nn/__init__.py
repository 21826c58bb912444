"""The course's network, in NumPy and SciPy only (no scikit-learn).

The building blocks of course 1, week 4, one module per kind of layer, each
with ``forward`` (a[l-1] in, a[l] out, what backward needs cached) and
``backward`` (da[l] in, da[l-1] out, the gradients of its own parameters):

- :mod:`~skdnn._nn.layer`: what every layer shares (parameter declarations,
  caches, the pass mode);
- :mod:`~skdnn._nn.linear`: Z[l] = W[l] A[l-1] + b[l];
- :mod:`~skdnn._nn.activations`: A[l] = g(Z[l]), g and g' side by side;
- :mod:`~skdnn._nn.dense`: the two in one block, LINEAR -> ACTIVATION, with
  the compiled ReLU passes;
- :mod:`~skdnn._nn.batchnorm`: batch normalisation of Z[l];
- :mod:`~skdnn._nn.dropout`: inverted dropout of A[l];
- :mod:`~skdnn._nn.outputs`: the output layers g[L] with their loss and
  dZ[L] = A[L] - Y;
- :mod:`~skdnn._nn.inputs`: transforms of X fitted on the training data
  (robust scaling with a smooth clip, the piecewise-linear encoding), before
  layer 1;
- :mod:`~skdnn._nn.ensemble`: TabM-mini's k members, each scaling the input
  its own way and ending in its own head, sharing the layers between;

and around them :mod:`~skdnn._nn.network` (the stack, forward and backward,
the cost J), :mod:`~skdnn._nn.layout` (the flat vector θ),
:mod:`~skdnn._nn.penalty` (the L2 term), :mod:`~skdnn._nn.initializers` and
:mod:`~skdnn._nn.course`, the course's equations as written, which every
faster path is tested equal to.

:data:`LAYERS` lists every layer kind by name: a network pickles as the
names and arguments of its layers, and the generic layer tests check every
kind listed here.
"""

from .activations import Activation
from .batchnorm import BatchNorm
from .dense import Dense
from .dropout import Dropout
from .ensemble import EnsembleInput, EnsembleLinear
from .inputs import PiecewiseLinear, RobustScale
from .linear import Linear

LAYERS = {
    layer.kind: layer
    for layer in (
        Linear,
        Activation,
        Dense,
        BatchNorm,
        Dropout,
        RobustScale,
        PiecewiseLinear,
        EnsembleInput,
        EnsembleLinear,
    )
}
