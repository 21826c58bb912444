"""What the solvers take and what they give back: typed settings and results.

The estimator builds a :class:`StochasticConfig` or :class:`LbfgsConfig` from
its hyperparameters, hands it to a solver with the network, θ and the data,
and reads the :class:`TrainingResult` the solver returns into its fitted
attributes. No solver reads or writes an estimator.
"""

from dataclasses import dataclass, field

from .optimizers import SGD, Adam
from .schedules import LearningRateSchedule

# Training on sound data never overflows; when it does, the run has diverged.
# These turn the first overflow or invalid operation of forward, backward or an
# optimiser step into a FloatingPointError, reported by `diverged`.
RAISE_ON_OVERFLOW = {"over": "raise", "invalid": "raise", "divide": "raise"}


@dataclass(frozen=True)
class OptimizerSettings:
    """The mini-batch optimiser and its step size.

    Attributes
    ----------
    solver : {"sgd", "adam"}
        Gradient descent with momentum, or Adam.
    learning_rate : float
        The initial step size α.
    schedule : {"constant", "invscaling", "adaptive"}
        How α changes over the epochs.
    power_t : float
        The exponent of "invscaling".
    momentum, nesterovs_momentum : float, bool
        "sgd"'s μ and whether its momentum is Nesterov's.
    beta_1, beta_2, epsilon : float
        Adam's decay rates and ε.
    """

    solver: str
    learning_rate: float
    schedule: str = "constant"
    power_t: float = 0.5
    momentum: float = 0.9
    nesterovs_momentum: bool = True
    beta_1: float = 0.9
    beta_2: float = 0.999
    epsilon: float = 1e-8

    def make_optimizer(self, n_params, dtype):
        """A new optimiser for a parameter vector of n_params values."""
        if self.solver == "sgd":
            return SGD(n_params, dtype, self.momentum, self.nesterovs_momentum)
        return Adam(n_params, dtype, self.beta_1, self.beta_2, self.epsilon)

    def make_schedule(self):
        """A new learning-rate schedule."""
        return LearningRateSchedule(self.learning_rate, self.schedule, self.power_t)


@dataclass(frozen=True)
class StoppingSettings:
    """When mini-batch training stops, and which epoch it keeps.

    Attributes
    ----------
    max_iter : int
        The most epochs.
    tol : float
        The smallest improvement that counts.
    n_iter_no_change : int or float
        Epochs without an improvement before stopping (or shrinking α).
    early_stopping : bool
        Whether to hold a validation split out and watch its score.
    validation_fraction : float
        Its share of the data.
    stratify : bool
        Whether the split is stratified by the labels.
    score : callable or None
        ``score(X, y, sample_weight)`` of the weights being trained, higher is
        better (the estimator's scorer, which reads the very θ the solver
        updates in place); None scores minus the validation loss.
    """

    max_iter: int
    tol: float
    n_iter_no_change: float
    early_stopping: bool = False
    validation_fraction: float = 0.1
    stratify: bool = False
    score: object = None


@dataclass(frozen=True)
class StochasticConfig:
    """Everything the mini-batch loop needs to know besides the data.

    Attributes
    ----------
    optimizer : OptimizerSettings
    stopping : StoppingSettings
    alpha : float
        The L2 penalty λ.
    batch_size : int, "auto" or None
        Rows per batch; "auto" is min(200, n_samples), None all of them.
    shuffle : bool
        Shuffle the rows every epoch.
    max_grad_norm : float or None
        Clip the gradient to this norm before each step.
    weight_decay : float
        Decoupled weight decay: before each step, every penalised weight is
        multiplied by 1 - α weight_decay.
    verbose : bool
        Print the loss (and validation score) of every epoch.
    incremental : bool
        ``partial_fit``: one epoch, counting on from the earlier calls.
    """

    optimizer: OptimizerSettings
    stopping: StoppingSettings
    alpha: float = 0.0
    batch_size: object = "auto"
    shuffle: bool = True
    max_grad_norm: float = None
    weight_decay: float = 0.0
    verbose: bool = False
    incremental: bool = False


@dataclass(frozen=True)
class LbfgsConfig:
    """SciPy's L-BFGS-B on the full-batch cost.

    Attributes
    ----------
    alpha : float
        The L2 penalty λ.
    max_iter, max_fun : int
        The most iterations and cost evaluations.
    tol : float
        The gradient tolerance (``gtol``).
    """

    alpha: float
    max_iter: int
    max_fun: int
    tol: float


@dataclass
class SolverState:
    """What carries over from one ``partial_fit`` call to the next.

    Attributes
    ----------
    optimizer : SGD or Adam or None
        Its moments; None makes a new one.
    schedule : LearningRateSchedule or None
        The current α; None makes a new one.
    stopping : NoImprovement or None
        The no-improvement counter; None makes a new one.
    n_iter : int
        Epochs counted so far.
    t : int
        Samples seen so far.
    n_clipped_steps : int
        Clipped steps counted so far.
    """

    optimizer: object = None
    schedule: object = None
    stopping: object = None
    n_iter: int = 0
    t: int = 0
    n_clipped_steps: int = 0


@dataclass
class TrainingResult:
    """What a solver did: the counts, the curves, how it ended.

    θ itself is trained in place (the best epoch's weights restored where
    that applies).

    Attributes
    ----------
    state : SolverState
        The optimiser, schedule, counter and counts after this fit.
    loss_curve : list of float
        The cost J of each epoch (or iteration) of this fit.
    loss : float or None
        The last cost J.
    best_loss : float or None
        The smallest training cost so far; None with early stopping.
    best_epoch : int or None
        Index in ``loss_curve`` of the epoch whose weights were kept (None:
        the last).
    ended : str
        "max_iter", "patience", "callback", "interrupted" (by the user), or
        for L-BFGS "converged", "line_search".
    early_stopping : bool
        Whether a validation split was held out.
    validation_scores, validation_loss_curve : list of float or None
        Per epoch, with early stopping.
    best_validation_score : float or None
        With early stopping.
    trained_on : TrainingData or None
        The rows trained on (without the validation split).
    message : str
        The solver's own word on how it ended (L-BFGS).
    solver_iterations : int or None
        The iterations SciPy reports (L-BFGS), which may pass ``max_iter``.
    weight_change : float or None
        ||W_end - W_start|| / ||W_start|| over the penalised weights (the
        mini-batch solvers): whether training moved them at all.
    stopping_curve : list of float or None
        With dropout and no validation split: the cost of each epoch's weights
        as they predict (nothing dropped), which the stopping rule watched
        instead of ``loss_curve``.
    """

    state: SolverState
    loss_curve: list = field(default_factory=list)
    loss: float = None
    best_loss: float = None
    best_epoch: int = None
    ended: str = "max_iter"
    early_stopping: bool = False
    validation_scores: list = None
    validation_loss_curve: list = None
    best_validation_score: float = None
    trained_on: object = None
    message: str = ""
    solver_iterations: int = None
    stopping_curve: list = None
    weight_change: float = None


def diverged(where, solver, learning_rate=None):
    """The error for a cost or weights that became non-finite, with its fix.

    Parameters
    ----------
    where : str
        When it happened, e.g. "in epoch 3".
    solver : str
        "sgd", "adam" or "lbfgs".
    learning_rate : float, default=None
        α of the stochastic solvers.
    """
    if solver == "lbfgs":
        advice = "or add an L2 penalty (a larger alpha)"
    else:
        advice = f"or lower learning_rate (now {learning_rate!r})"
    return ValueError(
        f"Training diverged: the cost or the weights became non-finite {where}. "
        f"Scale the input (e.g. StandardScaler) {advice}; the estimator was left "
        "as it was before fit."
    )
