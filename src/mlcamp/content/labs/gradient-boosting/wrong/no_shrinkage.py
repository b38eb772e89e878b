"""Wrong: every tree is added in full: the learning rate is never applied."""

import numpy as np


class _RegressionTree:
    """A least-squares regression tree of limited depth that splits on x[f] <= threshold."""

    def __init__(self, max_depth):
        self.max_depth = max_depth

    def fit(self, X, r, order):
        """Fit the targets r; order[f] lists the samples sorted by feature f."""
        n, d = X.shape
        rows = np.arange(d)[:, None]
        features, thresholds, values, splits = [], [], [], []
        node_of = np.zeros(n, dtype=np.int64)  # a sample's node in the level; past the end: done
        sums, sizes = np.array([r.sum()]), np.array([float(n)])
        for depth in range(self.max_depth + 1):
            n_nodes = len(sums)
            values.append(sums / sizes)  # a leaf predicts the mean of its targets
            feature = np.full(n_nodes, -1)
            threshold = np.zeros(n_nodes)
            split = np.zeros(n_nodes, dtype=bool)
            if depth < self.max_depth:
                # A stable sort by node keeps each node's samples in value order, per feature
                # (16-bit keys let NumPy use a radix sort); finished samples go to the end.
                keys = node_of[order].astype(np.int16 if n_nodes < 2**15 - 1 else np.int64)
                S = np.take_along_axis(order, np.argsort(keys, axis=1, kind="stable"), axis=1)
                m = int(sizes.sum())
                S = S[:, :m]
                node_at = node_of[S[0]]  # the node of each column, the same in every row
                starts = np.searchsorted(node_at, np.arange(n_nodes))
                ends = np.append(starts[1:], m)
                xs = X.T[rows, S]
                # Target sums left of each cut: running sums minus those before the node.
                running = np.cumsum(r[S], axis=1)
                before = np.zeros((d, n_nodes))
                inner = starts > 0
                before[:, inner] = running[:, starts[inner] - 1]
                left = running - before[:, node_at]
                right = sums[node_at] - left
                n_left = np.arange(m) - starts[node_at] + 1.0
                n_right = sizes[node_at] - n_left
                # SSE(L) + SSE(R) = sum r^2 - (S_L^2 / n_L + S_R^2 / n_R): maximise the bracket.
                with np.errstate(divide="ignore", invalid="ignore"):
                    score = left * left / n_left + right * right / n_right
                # A cut lies between two distinct values of the same node.
                valid = np.zeros((d, m), dtype=bool)
                valid[:, :-1] = xs[:, :-1] < xs[:, 1:]
                valid[:, ends - 1] = False
                score = np.where(valid, score, -np.inf)
                # Best per node: the highest score over features (lowest index on ties) ...
                per_feature = np.maximum.reduceat(score, starts, axis=1)
                best_f = np.argmax(per_feature, axis=0)
                best = per_feature[best_f, np.arange(n_nodes)]
                # ... then the first position reaching it (the lowest threshold on ties).
                cols = np.arange(m)
                hit = score[best_f[node_at], cols] == best[node_at]
                best_p = np.minimum.reduceat(np.where(hit, cols, m), starts)
                split = np.isfinite(best)
                f, p = best_f[split], best_p[split]
                feature[split] = f
                threshold[split] = xs[f, p] / 2 + xs[f, p + 1] / 2  # halfway between values
            features.append(feature)
            thresholds.append(threshold)
            splits.append(split)
            if not split.any():
                break
            # Children of the k-th split node are 2k (x <= threshold) and 2k + 1; samples of
            # nodes that stay leaves get a number past the end of the next level.
            n_next = 2 * int(split.sum())
            active = node_of < n_nodes
            active[active] = split[node_of[active]]
            node = node_of[active]
            goes_right = X[active, feature[node]] > threshold[node]
            node_of[~active] = n_next
            node_of[active] = 2 * np.cumsum(split)[node] - 2 + goes_right
            sums = np.bincount(node_of, weights=r, minlength=n_next + 1)[:n_next]
            sizes = np.bincount(node_of, minlength=n_next + 1)[:n_next].astype(float)
        # Number the nodes level by level; a level's children follow in order.
        self.feature_ = np.concatenate(features)
        self.threshold_ = np.concatenate(thresholds)
        self.value_ = np.concatenate(values)
        level_start = np.cumsum([0] + [len(level) for level in features])
        self.left_child_ = np.full(len(self.feature_), -1)
        for level, split in enumerate(splits[:-1]):
            first = level_start[level + 1] + 2 * np.arange(split.sum())
            self.left_child_[level_start[level] : level_start[level + 1]][split] = first
        self.depth_ = len(features) - 1
        return self

    def predict(self, X):
        """The mean target of the leaf each row reaches."""
        X = np.asarray(X, dtype=float)
        node = np.zeros(len(X), dtype=np.int64)
        rows = np.arange(len(X))
        for _ in range(self.depth_):
            feature = self.feature_[node]
            goes_right = X[rows, np.maximum(feature, 0)] > self.threshold_[node]
            node = np.where(feature >= 0, self.left_child_[node] + goes_right, node)
        return self.value_[node]


class GradientBoostingRegressor:
    """F(x) = mean(y) + learning_rate * (sum of the trees' predictions), for squared error."""

    def __init__(self, n_estimators=100, learning_rate=0.1, max_depth=3):
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.max_depth = max_depth

    def fit(self, X, y):
        X = np.asarray(X, dtype=float)
        y = np.asarray(y, dtype=float)
        # F_0 is the constant that minimises the squared error: the mean of y.
        self.init_ = float(np.mean(y))
        F = np.full(len(y), self.init_)
        order = np.argsort(X.T, axis=1)  # every tree reuses the same sorted feature order
        self.estimators_ = []
        for _ in range(self.n_estimators):
            # The negative gradient of (y - F)^2 / 2 with respect to F is the residual y - F.
            residual = y - F
            tree = _RegressionTree(self.max_depth).fit(X, residual, order)
            # Take a shrunken step along the tree's fit of the residuals.
            F += tree.predict(X)
            self.estimators_.append(tree)
        return self

    def staged_predict(self, X):
        """A list with the predictions after 1, 2, ..., n_estimators trees."""
        X = np.asarray(X, dtype=float)
        steps = np.array([tree.predict(X) for tree in self.estimators_]).reshape(-1, len(X))
        staged = self.init_ + np.cumsum(steps, axis=0)
        return list(staged)

    def predict(self, X):
        """The predictions of the full model: the init plus every shrunken tree."""
        X = np.asarray(X, dtype=float)
        total = np.zeros(len(X))
        for tree in self.estimators_:
            total += tree.predict(X)
        return self.init_ + total
