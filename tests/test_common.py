"""scikit-learn's own estimator checks, over the configurations that matter."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skdnn import DeepNetClassifier

CONFIGURATIONS = [
    DeepNetClassifier(random_state=0),
    DeepNetClassifier((20,), solver="sgd", learning_rate=0.01, random_state=0),
    DeepNetClassifier((10, 10), solver="lbfgs", random_state=0),
    DeepNetClassifier((8, 6), activation=["tanh", "leaky_relu"], random_state=0),
    DeepNetClassifier((), learning_rate=0.01, random_state=0),
]


@parametrize_with_checks(CONFIGURATIONS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
