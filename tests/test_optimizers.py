"""Solvers and step-size schedules against hand-computed steps."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from skdnn._train.optimizers import SGD, Adam, adam_update, sgd_update
from skdnn._train.schedules import LearningRateSchedule

THETA_0 = [1.0, -2.0, 0.5]
GRADS = [[0.5, -1.0, 2.0], [-0.25, 0.5, 1.0]]
RATES = [0.1, 0.05]


def run(optimizer, grads=GRADS, rates=RATES, dtype=np.float64):
    """Apply one update per gradient; return theta after each step."""
    theta = np.array(THETA_0, dtype=dtype)
    history = []
    for grad, rate in zip(grads, rates, strict=True):
        optimizer.update(theta, np.array(grad, dtype=dtype), rate)
        history.append(theta.copy())
    return theta, history


def sgd_by_hand(momentum, nesterov):
    """The reference equations (skdnn._train.optimizers.sgd_update), step by step."""
    thetas, theta, velocity = [], np.array(THETA_0), np.zeros(len(THETA_0))
    for grad, rate in zip(GRADS, RATES, strict=True):
        sgd_update(theta, np.array(grad), velocity, rate, momentum, nesterov)
        thetas.append(theta.tolist())
    return thetas, velocity


def adam_by_hand(beta_1, beta_2, epsilon):
    """The reference equations (adam_update), with m and v as the course keeps them."""
    thetas, theta = [], np.array(THETA_0)
    u, w = np.zeros(len(THETA_0)), np.zeros(len(THETA_0))
    for t, (grad, rate) in enumerate(zip(GRADS, RATES, strict=True), start=1):
        adam_update(theta, np.array(grad), u, w, rate, t, beta_1, beta_2, epsilon)
        thetas.append(theta.tolist())
    return thetas, u * (1 - beta_1), w * (1 - beta_2)


@pytest.mark.parametrize("nesterov", [False, True])
def test_plain_gradient_descent(nesterov):
    _, history = run(SGD(3, np.float64, momentum=0.0, nesterov=nesterov))
    # theta - alpha * grad, worked out by hand.
    assert_allclose(history[0], [0.95, -1.9, 0.3], rtol=1e-14)
    assert_allclose(history[1], [0.9625, -1.925, 0.25], rtol=1e-14)


def test_classical_momentum():
    optimizer = SGD(3, np.float64, momentum=0.9, nesterov=False)
    theta, history = run(optimizer)
    # Step 1: v = -0.1 g1 = [-0.05, 0.1, -0.2], theta + v.
    assert_allclose(history[0], [0.95, -1.9, 0.3], rtol=1e-14)
    # Step 2: v = 0.9 v - 0.05 g2 = [-0.0325, 0.065, -0.23], theta + v.
    assert_allclose(history[1], [0.9175, -1.835, 0.07], rtol=1e-14)
    expected, velocity = sgd_by_hand(0.9, nesterov=False)
    assert_allclose(history, expected, rtol=1e-14)
    assert_allclose(optimizer.velocity, velocity, rtol=1e-14)


def test_nesterov_momentum():
    optimizer = SGD(3, np.float64, momentum=0.9, nesterov=True)
    theta, history = run(optimizer)
    # Step 1: theta + 0.9 v - 0.1 g1 with v = [-0.05, 0.1, -0.2].
    assert_allclose(history[0], [0.905, -1.81, 0.12], rtol=1e-14)
    # Step 2: v = [-0.0325, 0.065, -0.23]; theta + 0.9 v - 0.05 g2.
    assert_allclose(history[1], [0.88825, -1.7765, -0.137], rtol=1e-14)
    expected, velocity = sgd_by_hand(0.9, nesterov=True)
    assert_allclose(history, expected, rtol=1e-14)
    assert_allclose(optimizer.velocity, velocity, rtol=1e-14)


@pytest.mark.parametrize("momentum", [0.0, 0.5, 0.9])
@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_matches_the_formulas(momentum, nesterov):
    _, history = run(SGD(3, np.float64, momentum=momentum, nesterov=nesterov))
    expected, _ = sgd_by_hand(momentum, nesterov)
    assert_allclose(history, expected, rtol=1e-14)


def test_sgd_updates_theta_in_place():
    theta = np.array(THETA_0)
    same = theta
    SGD(3, np.float64).update(theta, np.array(GRADS[0]), 0.1)
    assert theta is same
    assert not np.allclose(theta, THETA_0)


def test_adam_first_step_is_the_learning_rate_against_the_gradient():
    # After one step, m_hat = g and v_hat = g**2: theta moves by alpha * sign(g).
    _, history = run(Adam(3, np.float64), grads=GRADS[:1], rates=[0.1])
    assert_allclose(history[0], [0.9, -1.9, 0.4], rtol=1e-6)


@pytest.mark.parametrize(
    "beta_1, beta_2, epsilon",
    [(0.9, 0.999, 1e-8), (0.5, 0.75, 1e-8), (0.9, 0.999, 0.1)],
)
def test_adam_matches_the_formulas(beta_1, beta_2, epsilon):
    optimizer = Adam(3, np.float64, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
    _, history = run(optimizer)
    expected, m, v = adam_by_hand(beta_1, beta_2, epsilon)
    assert_allclose(history, expected, rtol=1e-13)
    assert_allclose(optimizer.m, m, rtol=1e-13)
    assert_allclose(optimizer.v, v, rtol=1e-13)
    assert optimizer.t == 2


def test_adam_two_steps_by_hand():
    # beta_1 = 0.5, beta_2 = 0.75, epsilon = 0, coordinate 0, g = 0.5 then -0.25:
    # m1 = 0.25, v1 = 0.0625, alpha_1 = 0.1 * sqrt(0.25) / 0.5 = 0.1
    #   -> theta = 1 - 0.1 * 0.25 / 0.25 = 0.9
    # m2 = 0.125 - 0.125 = 0, so the second step leaves the coordinate at 0.9.
    optimizer = Adam(3, np.float64, beta_1=0.5, beta_2=0.75, epsilon=0.0)
    _, history = run(optimizer)
    assert history[0][0] == pytest.approx(0.9, rel=1e-14)
    assert history[1][0] == pytest.approx(0.9, rel=1e-14)


@pytest.mark.parametrize(
    "make",
    [
        lambda: SGD(3, np.float32, momentum=0.9, nesterov=False),
        lambda: SGD(3, np.float32, momentum=0.9, nesterov=True),
        lambda: Adam(3, np.float32),
    ],
    ids=["momentum", "nesterov", "adam"],
)
def test_float32_state_stays_float32(make):
    optimizer = make()
    theta, _ = run(optimizer, dtype=np.float32)
    assert theta.dtype == np.float32
    if isinstance(optimizer, SGD):
        state = [optimizer.velocity]
        expected, _ = sgd_by_hand(0.9, optimizer.nesterov)
    else:
        state = [optimizer.m, optimizer.v]
        expected, _, _ = adam_by_hand(0.9, 0.999, 1e-8)
    for array in state:
        assert array.dtype == np.float32
    assert_allclose(theta, expected[-1], rtol=1e-5)


def test_constant_schedule():
    schedule = LearningRateSchedule(0.3)
    for t in (0, 10, 1000):
        schedule.epoch_ends(t)
        assert schedule.learning_rate == 0.3
    # Nothing to adapt: a plateau means stop, and the rate is untouched.
    assert schedule.plateau() is True
    assert schedule.learning_rate == 0.3


@pytest.mark.parametrize("power_t", [0.5, 0.25, 1.0])
def test_invscaling_schedule(power_t):
    schedule = LearningRateSchedule(0.2, kind="invscaling", power_t=power_t)
    assert schedule.learning_rate == 0.2
    # Always from the initial rate, never compounded.
    for t in (0, 3, 99, 9999, 10):
        schedule.epoch_ends(t)
        assert schedule.learning_rate == pytest.approx(0.2 / (t + 1) ** power_t)
    assert schedule.plateau() is True


def test_invscaling_by_hand():
    schedule = LearningRateSchedule(1.0, kind="invscaling")
    schedule.epoch_ends(99)
    assert schedule.learning_rate == pytest.approx(0.1)  # 1 / sqrt(100)


def test_adaptive_schedule_divides_by_five_then_stops():
    schedule = LearningRateSchedule(0.1, kind="adaptive")
    schedule.epoch_ends(500)
    assert schedule.learning_rate == 0.1
    assert schedule.plateau() is False
    assert schedule.learning_rate == pytest.approx(0.02)
    assert schedule.plateau() is False
    assert schedule.learning_rate == pytest.approx(0.004)

    # 0.1 / 5**k > 1e-6 up to k = 7, so the 8th division is still allowed and
    # leaves 0.1 / 5**8 = 2.56e-7 <= 1e-6: the next plateau says stop.
    verdicts = [schedule.plateau() for _ in range(7)]
    assert verdicts == [False] * 6 + [True]
    assert schedule.learning_rate == pytest.approx(0.1 / 5**8)
    assert schedule.plateau() is True
    assert schedule.learning_rate == pytest.approx(0.1 / 5**8)


def test_adaptive_schedule_stops_at_or_below_1e_6():
    assert LearningRateSchedule(1e-6, kind="adaptive").plateau() is True
    assert LearningRateSchedule(5e-7, kind="adaptive").plateau() is True
    schedule = LearningRateSchedule(1.5e-6, kind="adaptive")
    assert schedule.plateau() is False
    assert schedule.learning_rate == pytest.approx(3e-7)
    assert schedule.plateau() is True
