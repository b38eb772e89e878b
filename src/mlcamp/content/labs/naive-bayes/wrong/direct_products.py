"""Wrong: probabilities are products of densities, normalised directly (they underflow to 0)."""

import numpy as np


def _one_hot(y):
    classes, codes = np.unique(np.asarray(y), return_inverse=True)
    Y = np.zeros((len(codes), len(classes)))
    Y[np.arange(len(codes)), codes] = 1.0
    return classes, Y


class _NaiveBayes:
    def predict_proba(self, X):
        joint = self._joint(np.asarray(X, dtype=float))
        return joint / joint.sum(axis=1, keepdims=True)

    def predict_log_proba(self, X):
        return np.log(self.predict_proba(X))

    def predict(self, X):
        return self.classes_[np.argmax(self._joint(np.asarray(X, dtype=float)), axis=1)]


class GaussianNB(_NaiveBayes):
    def __init__(self, var_smoothing=1e-9):
        self.var_smoothing = var_smoothing

    def fit(self, X, y):
        X = np.asarray(X, dtype=float)
        self.classes_, Y = _one_hot(y)
        self.class_count_ = Y.sum(axis=0)
        self.class_prior_ = self.class_count_ / len(X)
        self.theta_ = (Y.T @ X) / self.class_count_[:, None]
        deviations = X - self.theta_[np.argmax(Y, axis=1)]
        self.epsilon_ = self.var_smoothing * np.var(X, axis=0).max()
        self.var_ = (Y.T @ deviations**2) / self.class_count_[:, None] + self.epsilon_
        return self

    def _joint(self, X):
        joint = np.empty((len(X), len(self.classes_)))
        for c in range(len(self.classes_)):
            density = np.exp(-((X - self.theta_[c]) ** 2) / (2 * self.var_[c])) / np.sqrt(
                2 * np.pi * self.var_[c]
            )
            joint[:, c] = self.class_prior_[c] * np.prod(density, axis=1)
        return joint


class MultinomialNB(_NaiveBayes):
    def __init__(self, alpha=1.0):
        self.alpha = alpha

    def fit(self, X, y):
        X = np.asarray(X, dtype=float)
        self.classes_, Y = _one_hot(y)
        self.class_count_ = Y.sum(axis=0)
        self.class_log_prior_ = np.log(self.class_count_ / self.class_count_.sum())
        self.feature_count_ = Y.T @ X
        smoothed = self.feature_count_ + self.alpha
        self.feature_log_prob_ = np.log(smoothed / smoothed.sum(axis=1, keepdims=True))
        return self

    def _joint(self, X):
        p = np.exp(self.feature_log_prob_)
        joint = np.empty((len(X), len(self.classes_)))
        for c in range(len(self.classes_)):
            joint[:, c] = np.exp(self.class_log_prior_[c]) * np.prod(p[c] ** X, axis=1)
        return joint
