"""Reference solution: Gaussian and multinomial naive Bayes, every score kept in log space."""

import numpy as np


def _logsumexp(a):
    """log(sum(exp(a))) along each row, without overflow or underflow."""
    top = a.max(axis=1, keepdims=True)
    # Shifting by the row maximum makes the largest term exp(0) = 1: nothing overflows, and the
    # sum is at least 1, so its log is finite.
    return top + np.log(np.exp(a - top).sum(axis=1, keepdims=True))


def _one_hot(y):
    """Sorted distinct labels and the (n, C) indicator matrix of y."""
    classes, codes = np.unique(np.asarray(y), return_inverse=True)
    Y = np.zeros((len(codes), len(classes)))
    Y[np.arange(len(codes)), codes] = 1.0
    return classes, Y


class _NaiveBayes:
    """What both models share: normalising the joint log-likelihood into log-probabilities."""

    def predict_log_proba(self, X):
        jll = self._joint_log_likelihood(np.asarray(X, dtype=float))
        # log P(c | x) = log P(c, x) - log sum_c' P(c', x)
        return jll - _logsumexp(jll)

    def predict_proba(self, X):
        return np.exp(self.predict_log_proba(X))

    def predict(self, X):
        # The largest joint log-likelihood is the largest posterior (same denominator).
        jll = self._joint_log_likelihood(np.asarray(X, dtype=float))
        return self.classes_[np.argmax(jll, axis=1)]


class GaussianNB(_NaiveBayes):
    """Each feature is normal within each class, independently of the others."""

    def __init__(self, var_smoothing=1e-9):
        self.var_smoothing = var_smoothing

    def fit(self, X, y):
        X = np.asarray(X, dtype=float)
        self.classes_, Y = _one_hot(y)
        # Samples per class and the priors they give.
        self.class_count_ = Y.sum(axis=0)
        self.class_prior_ = self.class_count_ / len(X)
        # Per-class means: sums of each class's rows divided by its count.
        self.theta_ = (Y.T @ X) / self.class_count_[:, None]
        # Per-class population variances (ddof 0) from the deviations to the class mean.
        deviations = X - self.theta_[np.argmax(Y, axis=1)]
        variances = (Y.T @ deviations**2) / self.class_count_[:, None]
        # Smoothing: a fraction of the LARGEST variance of any feature, over all samples.
        self.epsilon_ = self.var_smoothing * np.var(X, axis=0).max()
        self.var_ = variances + self.epsilon_
        return self

    def _joint_log_likelihood(self, X):
        jll = np.empty((len(X), len(self.classes_)))
        for c in range(len(self.classes_)):
            # log prior + sum over features of the log normal density.
            log_norm = -0.5 * np.sum(np.log(2.0 * np.pi * self.var_[c]))
            squares = np.sum((X - self.theta_[c]) ** 2 / self.var_[c], axis=1)
            jll[:, c] = np.log(self.class_prior_[c]) + log_norm - 0.5 * squares
        return jll


class MultinomialNB(_NaiveBayes):
    """Counts of each feature (word) are multinomial within each class."""

    def __init__(self, alpha=1.0):
        self.alpha = alpha

    def fit(self, X, y):
        X = np.asarray(X, dtype=float)
        self.classes_, Y = _one_hot(y)
        # Documents per class and the log priors they give.
        self.class_count_ = Y.sum(axis=0)
        self.class_log_prior_ = np.log(self.class_count_) - np.log(self.class_count_.sum())
        # Total count of each feature in each class.
        self.feature_count_ = Y.T @ X
        # Additive smoothing: alpha for every feature, so the denominator gains alpha * d.
        smoothed = self.feature_count_ + self.alpha
        self.feature_log_prob_ = np.log(smoothed) - np.log(smoothed.sum(axis=1, keepdims=True))
        return self

    def _joint_log_likelihood(self, X):
        # log prior + sum over features of count * log P(feature | class).
        return X @ self.feature_log_prob_.T + self.class_log_prior_
