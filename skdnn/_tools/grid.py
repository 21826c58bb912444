"""Architecture grids for hyperparameter search."""

from numbers import Integral


def _positive_ints(values, name, minimum):
    values = list(values)
    if not values or not all(
        isinstance(v, Integral) and not isinstance(v, bool) and v >= minimum
        for v in values
    ):
        raise ValueError(
            f"{name} must be a non-empty sequence of ints >= {minimum}, got {values!r}."
        )
    return [int(v) for v in values]


def layer_grid(depths, widths):
    """Every ``hidden_layer_sizes`` of the given depths and widths.

    Tuning the depth L and the unit counts with ``GridSearchCV`` becomes one
    line: ``{"hidden_layer_sizes": layer_grid([1, 2, 3], [32, 64])}``.

    Parameters
    ----------
    depths : sequence of int
        Numbers of hidden layers, L - 1 (0 gives ``()``, logistic/softmax
        regression).
    widths : sequence of int
        Units per hidden layer, the same in every layer of a network.

    Returns
    -------
    grid : list of tuple of int
        ``(width,) * depth`` for each depth, then each width; duplicates (from
        depth 0) appear once.

    Examples
    --------
    >>> from skdnn import layer_grid
    >>> layer_grid([1, 2, 3], [32, 64])
    [(32,), (64,), (32, 32), (64, 64), (32, 32, 32), (64, 64, 64)]
    """
    depths = _positive_ints(depths, "depths", 0)
    widths = _positive_ints(widths, "widths", 1)
    grid = []
    for depth in depths:
        for width in widths:
            sizes = (width,) * depth
            if sizes not in grid:
                grid.append(sizes)
    return grid
