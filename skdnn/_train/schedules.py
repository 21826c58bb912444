"""The step size α over the epochs: the learning-rate schedules."""


class LearningRateSchedule:
    """The step size α over the epochs.

    Parameters
    ----------
    learning_rate : float
        The initial step size α0.
    kind : {"constant", "invscaling", "adaptive"}, default="constant"
        "constant" keeps α0. "invscaling" sets α = α0 / (t + 1)**power_t at the
        end of each epoch, t being the number of samples seen so far.
        "adaptive" keeps α until training stops improving, then divides it by 5;
        a plateau reached with α already at or below 1e-6 stops training.
    power_t : float, default=0.5
        Exponent of "invscaling".
    """

    def __init__(self, learning_rate, kind="constant", power_t=0.5):
        self.learning_rate_init = float(learning_rate)
        self.learning_rate = float(learning_rate)
        self.kind = kind
        self.power_t = power_t

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
