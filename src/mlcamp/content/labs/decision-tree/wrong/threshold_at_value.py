"""Wrong: the threshold is the lower data value instead of the midpoint between two values."""

import numpy as np


class DecisionTreeClassifier:
    def __init__(self, criterion="gini", max_depth=None, min_samples_split=2, min_samples_leaf=1):
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf

    def _impurity(self, counts):
        p = counts / counts.sum()
        if self.criterion == "gini":
            return 1.0 - float(p @ p)
        p = p[p > 0]
        return float(-(p * np.log(p)).sum())

    def _best_split(self, X, codes):
        n, d = X.shape
        K = self.n_classes
        best = None
        for f in range(d):
            order = np.argsort(X[:, f], kind="mergesort")
            x = X[order, f]
            c = codes[order]
            left = np.cumsum(np.eye(K)[c], axis=0)[:-1]
            total = left[-1] + np.eye(K)[c[-1]]
            nl = np.arange(1, n)
            for i in np.flatnonzero(x[:-1] < x[1:]):
                a, b = nl[i], n - nl[i]
                if a < self.min_samples_leaf or b < self.min_samples_leaf:
                    continue
                w = a * self._impurity(left[i]) + b * self._impurity(total - left[i])
                if best is None or w <= best[0]:
                    best = (w, f, x[i])
        return best

    def _grow(self, X, codes, depth):
        counts = np.bincount(codes, minlength=self.n_classes).astype(float)
        node = {"value": counts / counts.sum()}
        n = len(codes)
        imp = self._impurity(counts)
        if (
            imp <= 0
            or n < self.min_samples_split
            or n < 2 * self.min_samples_leaf
            or (self.max_depth is not None and depth >= self.max_depth)
        ):
            return node
        best = self._best_split(X, codes)
        if best is None:
            return node
        w, f, t = best
        self._importances[f] += n * imp - w
        mask = X[:, f] <= t
        node.update(feature=f, threshold=t)
        node["left"] = self._grow(X[mask], codes[mask], depth + 1)
        node["right"] = self._grow(X[~mask], codes[~mask], depth + 1)
        return node

    def fit(self, X, y):
        X = np.asarray(X, dtype=float)
        self.classes_, codes = np.unique(y, return_inverse=True)
        self.n_classes = len(self.classes_)
        self._importances = np.zeros(X.shape[1])
        self.root_ = self._grow(X, codes.ravel(), 0)
        s = self._importances.sum()
        self.feature_importances_ = self._importances / s if s > 0 else self._importances
        return self

    def predict_proba(self, X):
        X = np.asarray(X, dtype=float)
        out = []
        for x in X:
            node = self.root_
            while "feature" in node:
                node = node["left"] if x[node["feature"]] <= node["threshold"] else node["right"]
            out.append(node["value"])
        return np.array(out)

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def _walk(self, node, depth):
        if "feature" not in node:
            return depth, 1
        a = self._walk(node["left"], depth + 1)
        b = self._walk(node["right"], depth + 1)
        return max(a[0], b[0]), a[1] + b[1]

    def get_depth(self):
        return self._walk(self.root_, 0)[0]

    def get_n_leaves(self):
        return self._walk(self.root_, 0)[1]
