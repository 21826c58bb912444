"""The parts of the estimators' docstrings that both estimators share.

Each estimator's docstring holds the markers ``%(parameters)s`` and
``%(attributes)s`` where these blocks go; :func:`fill_docstring` puts them in,
so every shared parameter is documented once, in the words both estimators use.
"""

PARAMETERS = """\
    hidden_layer_sizes : int or array-like of int, default=(100,)
        n[1], ..., n[L-1], the number of units of each hidden layer. An int means
        one hidden layer; an empty tuple means no hidden layer (L = 1: a linear
        model trained by the same solvers).

    activation : {"identity", "logistic", "sigmoid", "tanh", "relu", \
            "leaky_relu", "selu", "mish"} or list of those, default="relu"
        Hidden-unit activation g, or one per hidden layer. "sigmoid" is an alias
        of "logistic"; "leaky_relu" is max(0.01 z, z); "selu" is λ z for z > 0
        and λ α (e^z - 1) otherwise (λ ≈ 1.0507, α ≈ 1.6733; Klambauer et al.,
        2017); "mish" is z tanh(log(1 + e^z)) (Misra, 2019). RealMLP uses SELU
        for classification and Mish for regression.

    learning_rate : float, default=0.001
        The step size α (``learning_rate_init`` in scikit-learn's MLPs). How it
        changes over the epochs is ``learning_rate_schedule``. Not used by
        "lbfgs".

    solver : {"sgd", "adam", "lbfgs"}, default="adam"
        "sgd": mini-batch gradient descent with (Nesterov) momentum; "adam":
        Adam; "lbfgs": SciPy's L-BFGS-B on the full batch.

    alpha : float, default=0.0001
        L2 penalty λ. The cost of a batch of m_b samples is the course's
        mini-batch cost J{t} = (1/m_b) sum_i L(ŷ_i, y_i) + λ/(2 m_b) sum_l
        ||W[l]||²_F (MLPClassifier's convention): with mini-batches the penalty
        is applied per batch, so for a given λ its effective strength grows as
        the batches shrink. With ``batch_size=None`` or "lbfgs" the batch is the
        whole training set and this is the course's J.

    batch_size : int, "auto" or None, default="auto"
        Mini-batch size for "sgd" and "adam". "auto" is min(200, n_samples);
        None is the whole training set (batch gradient descent).

    max_iter : int, default=200
        Maximum number of epochs ("sgd", "adam") or of iterations ("lbfgs").

    learning_rate_schedule : {"constant", "invscaling", "adaptive", "cosine", \
            "coslog4"}, default="constant"
        How α changes during training ("sgd" and "adam"). "constant" keeps α;
        "invscaling" uses α / (t + 1)**power_t after each epoch, t being the
        number of samples seen; "adaptive" keeps α while training improves and
        divides it by 5 each time it stops improving for ``n_iter_no_change``
        epochs. (scikit-learn's MLPs call this ``learning_rate`` and apply it
        to "sgd" only.) "cosine" and "coslog4" set α before every step from
        the share t in [0, 1) of the ``max_iter`` epochs done: cosine(t) =
        (1 + cos(π t)) / 2 decays α to 0 over the budget; coslog4(t) = (1 -
        cos(2π log2(1 + 15 t))) / 2, RealMLP's schedule, runs four cycles, each
        twice as long as the last, from 0 to α and back. Training may still
        stop earlier (``n_iter_no_change``); set it to ``np.inf`` to train the
        whole budget and keep the best epoch. Not with ``partial_fit``.

    power_t : float, default=0.5
        Exponent of the "invscaling" schedule.

    momentum : float, default=0.9
        Momentum μ of "sgd", in [0, 1].

    nesterovs_momentum : bool, default=True
        Whether "sgd" uses Nesterov's momentum.

    beta_1 : float, default=0.9
        Decay of Adam's first-moment estimate, in [0, 1).

    beta_2 : float, default=0.999
        Decay of Adam's second-moment estimate, in [0, 1).

    epsilon : float, default=1e-8
        Adam's ε.

    init : {"glorot", "he", "auto", "small"}, default="glorot"
        Weight initialisation: "glorot" draws U(±sqrt(6/(n[l-1] + n[l]))),
        "he" draws N(0, 2/n[l-1]), "small" draws 0.01 N(0, 1); "auto" uses He
        for ReLU-family layers and Glorot for the others (the course's rule).
        The biases b[l] are drawn from the same distribution as W[l]. Glorot
        is the default because it generalised better on the tables of the
        learning-quality benchmark (``benchmarks/quality.py``) with 1, 4 and 8
        ReLU layers, and trains on unscaled input, where He's larger
        first-layer weights can leave the units dead.

    early_stopping : bool or "auto", default="auto"
        Set aside ``validation_fraction`` of the training data, stop when its
        score (``scoring``; by default minus the validation loss, %(score)s)
        has not improved by ``tol`` for ``n_iter_no_change`` epochs, and keep
        the weights of the best epoch. "auto" does so when the training data
        has at least 1000 samples, enough to spare a validation set (the
        learning-quality benchmark, ``benchmarks/quality.py``, measured it to
        help from there on and to cost accuracy on smaller tables), and never
        in ``partial_fit``. ``do_early_stopping_`` tells what a fit did.
        In a search or cross-validation on around 1000 samples, "auto" can
        train the folds (fewer rows) without early stopping and the refit on
        all rows with it, so the model returned is not the one scored: set
        True or False to pin it there.
        "sgd" and "adam" only. For a classifier the split is stratified by
        class, or random (with a warning) when a class is too rare for that.

    validation_fraction : float, default=0.1
        Share of the training data set aside for early stopping, in (0, 1).

    n_iter_no_change : int, default=10
        Epochs without an improvement of at least ``tol`` before training stops
        (or, with the "adaptive" schedule, α is divided by 5). Either way fit
        keeps the weights of the best epoch: the lowest training loss, or the
        best validation score with early stopping.

    tol : float, default=1e-4
        Smallest improvement of the loss (or validation score) that counts. For
        "lbfgs", the gradient tolerance.

    shuffle : bool, default=True
        Whether to shuffle the samples at each epoch ("sgd", "adam").
%(extra_parameters)s
    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialisation, the shuffling, the dropout masks and
        the early-stopping split. An int gives identical models run after
        run; each ``partial_fit`` call draws new orders and masks, and the
        same sequence of calls gives the same model.

    warm_start : bool, default=False
        Continue from the weights of the previous ``fit`` instead of
        re-initialising them.

    verbose : bool, default=False
        Print the loss after each epoch.

    max_fun : int, default=15000
        Maximum number of cost evaluations of "lbfgs".

    leaky_relu_slope : float, default=0.01
        The slope of "leaky_relu" units for z < 0, g(z) = max(slope z, z), in
        [0, 1).

    max_grad_norm : float or None, default=None
        Clip the gradient: before each optimiser step whose global gradient
        norm ||dθ|| (over every W[l] and b[l], L2 term included) exceeds it,
        the gradient is scaled down to this norm. ``n_clipped_steps_`` counts
        the clipped steps. "sgd" and "adam" only.

    scoring : str, callable or None, default=None
        The validation score of early stopping: a scikit-learn scorer name
        (e.g. "accuracy", "balanced_accuracy", "r2") or a callable
        ``scorer(estimator, X, y)`` (e.g. from ``make_scorer``); higher is
        better. None is minus the validation loss (%(score)s), computed from
        the logits without a second forward pass: unlike accuracy, the loss
        keeps improving while the predictions grow more confident, so it
        stops neither too early on small validation sets nor after the model
        has started to overfit.

    dropout : float or list of float, default=0.0
        Inverted dropout on the hidden activations: each training step keeps
        each unit of A[l] with probability keep_prob = 1 - dropout and scales
        the kept ones by 1/keep_prob, so that prediction, which drops nothing,
        needs no rescaling. One rate in [0, 1) for every hidden layer, or one
        per hidden layer. The masks are drawn from ``random_state``. "sgd" and
        "adam" only. Without early stopping, the no-improvement rule then
        watches the cost of each epoch's weights as they predict, nothing
        dropped (one more forward pass over the training data an epoch):
        dropout's noise in the batch costs would read as a plateau.

    batch_norm : bool, default=False
        Batch-normalise Z[l] before every hidden activation: each unit is
        standardised with the mean and variance of the batch (weighted by
        ``sample_weight``), then scaled and shifted by the learned γ[l] and
        β[l] (not L2-penalised; β[l] replaces the bias b[l], and
        ``intercepts_`` holds it). Prediction uses running averages of the
        batch statistics (momentum 0.9, ε = 1e-5), or with "lbfgs" the
        statistics of the whole training set. A batch needs 2 rows or more:
        ``batch_size=1`` and fits or ``partial_fit`` calls of one row are
        refused, and a last batch of one row joins the batch before it. (Rows
        of weight 0 count as rows here.)

    input_scaling : {"auto", "robust"} or None, default=None
        A transform of X fitted in ``fit``, inside the network. "robust"
        centres each column on its median, divides it by its interquartile
        range (2 / range where that is 0), and clips the result smoothly into
        (-3, 3), a = z / sqrt(1 + (z/3)²), as RealMLP does: unscaled columns
        and outliers need no scaler in front. Dense X only; not with
        ``partial_fit``. "auto" is "robust" in ``fit`` on dense X, and None
        (X as it is) for sparse X or when the first call is ``partial_fit``
        (which "auto" leaves available); a network being continued keeps what
        it was fitted with. "auto" for all three of ``input_scaling``,
        ``numerical_embedding`` and ``n_members`` is the combination that
        measured best on the quality benchmark (``benchmarks/LEVERS.md``).

    numerical_embedding : {"auto", "piecewise_linear"} or None, default=None
        "piecewise_linear" encodes each column (after ``input_scaling``) on
        up to ``n_bins`` quantile bins e_0 < ... < e_T of the training data:
        the t-th value is clip((x - e_{t-1}) / (e_t - e_{t-1}), 0, 1), the
        first bin clipped from above only and the last from below only
        (Gorishniy et al., 2022). Layer 1 then weighs each bin on its own, so
        a unit can respond to a threshold or a bump of one feature; W[1] has
        one row per bin (``coefs_[0]`` of shape (total bins, n[1])). Columns
        with fewer distinct values get fewer bins (a binary column one).
        Dense X only; not with ``partial_fit``. "auto" is "piecewise_linear"
        in ``fit`` on dense X, else None, as for ``input_scaling``.

    n_bins : int or "auto", default="auto"
        The most quantile bins a column gets with
        ``numerical_embedding="piecewise_linear"``. "auto" is one bin per 125
        training rows (of positive weight), at least 4 and at most 16: 16
        bins overfit a few hundred rows (``benchmarks/LEVERS.md``).

    n_members : int or "auto", default=1
        k > 1 trains an ensemble of k members in one network, TabM-mini's
        way (Gorishniy et al., 2025): member j scales A[0] (the input, after
        any input transform) feature by feature by its own r_j (random signs
        at first, then trained; ``member_scales_``), runs it through the
        hidden layers all members share, and ends in its own output layer
        (``coefs_[-1]`` of shape (k, n[L-1], n[L])). Training minimises the
        mean of the k members' costs; predictions are the mean of the members'
        probabilities (or values), and so is the validation score of early
        stopping. Each epoch costs about k times one network's. Dense X only;
        not with ``batch_norm``. "auto" is 8 in ``fit`` on dense X
        without ``batch_norm`` and with the "adam" or "lbfgs" solver, else 1
        (one network), as for ``input_scaling``: with "sgd" each member's
        output layer gets 1/k of one network's gradient, so k members learn
        that much more slowly at the same ``learning_rate``.

    weight_decay : float, default=0.0
        Decoupled weight decay (Loshchilov & Hutter, 2019; AdamW with
        "adam"): before each step, every W[l] is multiplied by 1 - α
        weight_decay, α the step size of that step (so it follows
        ``learning_rate_schedule``). Unlike ``alpha``, an L2 term in the
        cost, it is no part of the gradient that Adam normalises, and so
        shrinks every weight by the same share. Biases, batch norm's γ and β
        and an ensemble's member scales are not decayed. "sgd" and "adam"
        only. TabM trains with AdamW, weight_decay=3e-4 at α = 2e-3.
"""

ATTRIBUTES = """\
    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when X has string feature names.

    coefs_ : list of ndarray
        ``coefs_[l-1]`` is W[l]ᵀ of the course, of shape (n[l-1], n[l]).

    intercepts_ : list of ndarray
        ``intercepts_[l-1]`` is b[l] of the course, of shape (n[l],).

    n_layers_ : int
        L + 1, the number of layers counting the input layer.

    n_outputs_ : int
        n[L], the number of output units.

    out_activation_ : str
        The output activation g[L]: %(outputs)s.

    loss_ : float
        The cost J of the last epoch (or iteration). The weights kept are
        those of the best epoch, which may be an earlier one.

    best_loss_ : float or None
        The smallest training cost reached; None with early stopping. With
        dropout it is the cost of the weights as they predict, on all the
        training rows at once (its L2 term counted once, where an epoch of
        ``loss_curve_`` counts it in every batch).

    loss_curve_ : list of float
        J after each epoch ("sgd", "adam") or iteration ("lbfgs"). With
        mini-batches, an epoch's J is the mean of its batch costs J{t}, each
        with its own L2 term (see ``alpha``), weighted by the batch's samples.

    validation_scores_ : list of float or None
        The validation score (``scoring``; by default minus the validation
        loss) after each epoch, with early stopping. Like ``loss_curve_`` it
        goes on across ``warm_start`` fits, one entry per entry of
        ``loss_curve_`` (NaN for the epochs of an earlier fit that held no
        validation split out); None when the last fit held none.

    validation_loss_curve_ : list of float or None
        The validation loss after each epoch, with early stopping: the data
        term of J, (1/m) sum_i L(ŷ_i, y_i) on the held-out samples (weighted),
        without the L2 term. Aligned with ``loss_curve_`` as
        ``validation_scores_`` is.

    batch_norm_gamma_ : list of ndarray or None
        γ[l] of each hidden layer with ``batch_norm=True``, else None.

    batch_norm_running_mean_ : list of ndarray or None
        The running mean of Z[l] of each hidden layer, for prediction.

    batch_norm_running_var_ : list of ndarray or None
        The running variance of Z[l] of each hidden layer, for prediction.

    member_scales_ : ndarray of shape (n_members, n[0]) or None
        With ``n_members > 1``, each member's scaling r_j of A[0]; None for a
        single network.

    n_clipped_steps_ : int
        Optimiser steps whose gradient ``max_grad_norm`` clipped, in the last
        ``fit`` (summed over ``partial_fit`` calls); 0 without clipping.

    best_validation_score_ : float or None
        The best validation score of the last fit, with early stopping.

    do_early_stopping_ : bool
        Whether the last fit held a validation split out (see
        ``early_stopping``).

    n_iter_ : int
        Epochs (or L-BFGS iterations) run by the last ``fit``; counts the calls
        of ``partial_fit``.

    t_ : int
        Training samples seen by the solver, over all fits.
"""


def fill_docstring(cls, score, outputs, extra_parameters=""):
    """Put the shared parameter and attribute blocks into ``cls.__doc__``.

    Parameters
    ----------
    cls : type
        The estimator class, whose docstring has ``%(parameters)s`` and
        ``%(attributes)s`` markers.
    score : str
        What its validation score is, e.g. "accuracy".
    outputs : str
        Its possible output activations.
    extra_parameters : str, default=""
        Its own parameter blocks, placed after ``shuffle``.
    """
    words = {"score": score, "outputs": outputs}
    parameters = PARAMETERS.replace("%(extra_parameters)s", extra_parameters)
    cls.__doc__ = cls.__doc__.replace(
        "    %(parameters)s\n", parameters.replace("%(score)s", score)
    ).replace("    %(attributes)s\n", ATTRIBUTES % words)
    return cls
