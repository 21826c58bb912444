"""Training: the solvers, on arrays.

- :mod:`~skdnn._train.config`: the typed settings a solver takes and the
  result it returns;
- :mod:`~skdnn._train.stochastic`: the mini-batch loop ("sgd", "adam");
- :mod:`~skdnn._train.lbfgs`: the L-BFGS driver ("lbfgs");
- :mod:`~skdnn._train.optimizers`: SGD with momentum, then Adam (simplest
  first), and :mod:`~skdnn._train.schedules`, their step size over the epochs;
- :mod:`~skdnn._train.stopping`: the no-improvement rule and the
  early-stopping split;
- :mod:`~skdnn._train.data`: the training data and its mini-batches;
- :mod:`~skdnn._train.diagnosis`: what went wrong in a fit, said once.

A solver takes the network, θ, the data and its configuration, trains θ in
place and returns a :class:`~skdnn._train.config.TrainingResult`; it never
reads or writes an estimator.
"""
