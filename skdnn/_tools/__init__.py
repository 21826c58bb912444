"""Tools around a network: gradient checking, inspection, plots, grids.

- :mod:`~skdnn._tools.gradcheck`: :func:`~skdnn.check_gradients`;
- :mod:`~skdnn._tools.inspect`: ``summary()`` and ``diagnose()``;
- :mod:`~skdnn._tools.display`: :class:`~skdnn.LossCurveDisplay`
  (matplotlib, imported lazily);
- :mod:`~skdnn._tools.grid`: :func:`~skdnn.layer_grid`.
"""
