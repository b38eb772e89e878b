"""Lab: Gaussian and multinomial naive Bayes in log space. See README.md for the math and tasks."""

import numpy as np  # noqa: F401


class GaussianNB:
    """Naive Bayes with a normal distribution per feature and class.

    Parameters
    ----------
    var_smoothing : float, default 1e-9
        Fraction of the largest feature variance (over all samples) added to every variance.

    Attributes (set by fit)
    -----------------------
    classes_ : ndarray (n_classes,)            sorted distinct labels
    class_count_ : ndarray (n_classes,)        samples per class
    class_prior_ : ndarray (n_classes,)        share of samples per class
    theta_ : ndarray (n_classes, n_features)   per-class means
    var_ : ndarray (n_classes, n_features)     per-class population variances + epsilon_
    epsilon_ : float                           var_smoothing * largest variance of a feature
    """

    def __init__(self, var_smoothing=1e-9):
        self.var_smoothing = var_smoothing

    def fit(self, X, y):
        """Learn the attributes above from X (n, d) and labels y (n,); return self."""
        raise NotImplementedError

    def predict_log_proba(self, X):
        """Array (m, n_classes): log P(class | x), columns in classes_ order, always finite."""
        raise NotImplementedError

    def predict_proba(self, X):
        """Array (m, n_classes): P(class | x); each row sums to 1."""
        raise NotImplementedError

    def predict(self, X):
        """Array (m,) of labels from classes_: the most probable class of each row."""
        raise NotImplementedError


class MultinomialNB:
    """Naive Bayes for counts (e.g. word counts of documents), with additive smoothing.

    Parameters
    ----------
    alpha : float, default 1.0
        Added to every count of every feature in every class (Laplace smoothing for 1.0).

    Attributes (set by fit)
    -----------------------
    classes_ : ndarray (n_classes,)                     sorted distinct labels
    class_count_ : ndarray (n_classes,)                 samples (documents) per class
    class_log_prior_ : ndarray (n_classes,)             log share of samples per class
    feature_count_ : ndarray (n_classes, n_features)    summed counts per class and feature
    feature_log_prob_ : ndarray (n_classes, n_features) log P(feature | class), smoothed
    """

    def __init__(self, alpha=1.0):
        self.alpha = alpha

    def fit(self, X, y):
        """Learn the attributes above from counts X (n, d) and labels y (n,); return self."""
        raise NotImplementedError

    def predict_log_proba(self, X):
        """Array (m, n_classes): log P(class | x), columns in classes_ order, always finite."""
        raise NotImplementedError

    def predict_proba(self, X):
        """Array (m, n_classes): P(class | x); each row sums to 1."""
        raise NotImplementedError

    def predict(self, X):
        """Array (m,) of labels from classes_: the most probable class of each row."""
        raise NotImplementedError
