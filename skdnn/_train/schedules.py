"""The step size α over the epochs: the learning-rate schedules.

"constant", "invscaling" and "adaptive" change α between epochs, as
scikit-learn's MLP does. "cosine" and "coslog4" change it at every step, as
a function of the share t in [0, 1) of the budget of ``max_iter`` epochs
already trained::

    cosine(t)  = (1 + cos(π t)) / 2
    coslog4(t) = (1 - cos(2π log2(1 + 15 t))) / 2

"cosine" decays α0 to 0 over the budget; "coslog4" (RealMLP's default) runs
four cosine cycles, each twice as long as the one before, starting and ending
at 0.
"""

import math

PER_STEP = {"cosine", "coslog4"}


def cosine(t):
    """(1 + cos(π t)) / 2: from 1 at t = 0 to 0 at t = 1."""
    return 0.5 * (1.0 + math.cos(math.pi * t))


def coslog4(t):
    """(1 - cos(2π log2(1 + 15 t))) / 2: four cycles, 0 at t = 0 and at t = 1."""
    return 0.5 * (1.0 - math.cos(2.0 * math.pi * math.log2(1.0 + 15.0 * t)))


SHAPES = {"cosine": cosine, "coslog4": coslog4}


class LearningRateSchedule:
    """The step size α over the epochs.

    Parameters
    ----------
    learning_rate : float
        The initial (for "coslog4", the peak) step size α0.
    kind : {"constant", "invscaling", "adaptive", "cosine", "coslog4"}, \
            default="constant"
        "constant" keeps α0. "invscaling" sets α = α0 / (t + 1)**power_t at the
        end of each epoch, t being the number of samples seen so far.
        "adaptive" keeps α until training stops improving, then divides it by 5;
        a plateau reached with α already at or below 1e-6 stops training.
        "cosine" and "coslog4" set α = α0 shape(t) before every step, t the
        share of the budget done (see the module's docstring).
    power_t : float, default=0.5
        Exponent of "invscaling".
    """

    def __init__(self, learning_rate, kind="constant", power_t=0.5):
        self.learning_rate_init = float(learning_rate)
        self.learning_rate = float(learning_rate)
        self.kind = kind
        self.power_t = power_t

    @property
    def per_step(self):
        """Whether α changes at every step (a function of the budget's share)."""
        return self.kind in PER_STEP

    def step_begins(self, t):
        """Set α for the step at share ``t`` of the budget ("cosine", "coslog4")."""
        self.learning_rate = self.learning_rate_init * SHAPES[self.kind](min(t, 1.0))

    def epoch_ends(self, n_samples_seen):
        """Update α after an epoch; ``n_samples_seen`` is t, counted over all fits."""
        if self.kind == "invscaling":
            self.learning_rate = (
                self.learning_rate_init / (n_samples_seen + 1) ** self.power_t
            )

    def plateau(self):
        """Training stopped improving: return True to stop, False to go on."""
        if self.kind != "adaptive" or self.learning_rate <= 1e-6:
            return True
        self.learning_rate /= 5.0
        return False
