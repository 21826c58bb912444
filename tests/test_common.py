"""scikit-learn's own estimator checks, over the configurations that matter."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skdnn import DeepNetClassifier, DeepNetRegressor

CONFIGURATIONS = [
    DeepNetClassifier(random_state=0),
    DeepNetClassifier((20,), solver="sgd", learning_rate=0.01, random_state=0),
    DeepNetClassifier(solver="lbfgs", random_state=0),
    DeepNetClassifier((10, 10), solver="lbfgs", random_state=0),
    DeepNetClassifier((8, 6), activation=["tanh", "leaky_relu"], random_state=0),
    DeepNetClassifier((), learning_rate=0.01, random_state=0),
]

# Small networks: the checks fit each configuration a few dozen times.
REGRESSOR_CONFIGURATIONS = [
    DeepNetRegressor((16,), learning_rate=0.01, random_state=0),
    DeepNetRegressor((16,), solver="sgd", learning_rate=0.001, random_state=0),
    DeepNetRegressor((10, 10), solver="lbfgs", random_state=0),
    DeepNetRegressor(
        (8, 6), activation=["tanh", "leaky_relu"], learning_rate=0.01, random_state=0
    ),
    DeepNetRegressor((), learning_rate=0.01, random_state=0),
]


@parametrize_with_checks(CONFIGURATIONS + REGRESSOR_CONFIGURATIONS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
