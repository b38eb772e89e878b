"""Reference solution: a CART classification tree, grown one level at a time with NumPy.

Every node of a level is split in the same few array operations: each feature's samples are
kept sorted by (node, value), so cumulative class counts along a row give the class counts
left of every candidate threshold of every node at once.
"""

import numpy as np


def _weighted_impurity(counts, sizes, criterion):
    """n_t * impurity(t) from class counts (classes on axis 0) and node sizes n_t."""
    with np.errstate(divide="ignore", invalid="ignore"):
        if criterion == "gini":
            # n (1 - sum_k p_k^2) = n - sum_k c_k^2 / n
            return sizes - np.sum(counts * counts, axis=0) / sizes
        # n H = -sum_k c_k log2(c_k / n) = n log2 n - sum_k c_k log2 c_k, with 0 log 0 = 0
        logs = np.log2(np.where(counts > 0, counts, 1.0))
        return sizes * np.log2(np.maximum(sizes, 1.0)) - np.sum(counts * logs, axis=0)


class DecisionTreeClassifier:
    """A classification tree that splits on `x[f] <= threshold` to minimise impurity."""

    def __init__(self, criterion="gini", max_depth=None, min_samples_split=2, min_samples_leaf=1):
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf

    def fit(self, X, y):
        X = np.asarray(X, dtype=float)
        # Labels become codes 0..K-1 in sorted order; classes_ maps them back.
        self.classes_, codes = np.unique(np.asarray(y), return_inverse=True)
        codes = codes.ravel()
        n, d = X.shape
        K = len(self.classes_)
        XT = np.ascontiguousarray(X.T)
        onehot = (np.arange(K)[:, None] == codes[None, :]).astype(np.int64)  # (K, n)
        max_depth = np.inf if self.max_depth is None else self.max_depth
        leaf_min = self.min_samples_leaf
        rows = np.arange(d)[:, None]

        # Per level: feature (-1 for a leaf), threshold, class proportions, and which nodes split.
        features, thresholds, values, splits = [], [], [], []
        importances = np.zeros(d)
        order = np.argsort(XT, axis=1)  # (d, m): active samples of each feature, by node then x
        node_of = np.zeros(n, dtype=np.int64)  # the node (numbered within its level) of a sample
        counts = np.bincount(codes, minlength=K)[None, :].astype(float)  # (nodes, K)
        depth = 0
        while True:
            n_nodes = len(counts)
            sizes = counts.sum(axis=1)
            values.append(counts / sizes[:, None])
            node_w = _weighted_impurity(counts.T, sizes, self.criterion)  # n_t * impurity(t)
            # A node may split if it is impure, large enough and not at the depth limit.
            open_nodes = (
                (depth < max_depth)
                & (sizes >= self.min_samples_split)
                & (sizes >= 2 * leaf_min)
                & (node_w > 0)
            )
            feature = np.full(n_nodes, -1)
            threshold = np.zeros(n_nodes)
            split = np.zeros(n_nodes, dtype=bool)
            order = order[:, open_nodes[node_of[order[0]]]]  # samples of leaves leave the search
            if order.shape[1]:
                m = order.shape[1]
                node_at = node_of[order[0]]  # node of each column (the same in every row)
                seg = np.bincount(node_at, minlength=n_nodes)
                ends = np.cumsum(seg)
                starts = ends - seg
                xs = XT[rows, order]
                # Class counts left of each position: running counts minus those before the node.
                running = np.cumsum(onehot[:, order], axis=2)  # (K, d, m)
                before = np.zeros((K, d, n_nodes), dtype=np.int64)
                inner = starts > 0
                before[:, :, inner] = running[:, :, starts[inner] - 1]
                left = (running - before[:, :, node_at]).astype(float)
                right = counts.T[:, None, node_at] - left
                n_left = (np.arange(m) - starts[node_at] + 1).astype(float)
                n_right = sizes[node_at] - n_left
                # Children's impurity n_L I(L) + n_R I(R); the best split makes it smallest.
                children = _weighted_impurity(left, n_left, self.criterion)
                children += _weighted_impurity(right, n_right, self.criterion)
                # Valid cuts lie between two distinct values of one node and respect leaf_min.
                valid = np.zeros((d, m), dtype=bool)
                valid[:, :-1] = xs[:, :-1] < xs[:, 1:]
                valid[:, ends[seg > 0] - 1] = False
                valid &= (n_left >= leaf_min) & (n_right >= leaf_min)
                children = np.where(valid, children, np.inf)
                # Best per node: the smallest value over features (lowest index on ties) ...
                busy = np.flatnonzero(seg)
                per_feature = np.minimum.reduceat(children, starts[busy], axis=1)
                best_f = np.zeros(n_nodes, dtype=np.int64)
                best_w = np.full(n_nodes, np.inf)
                best_f[busy] = np.argmin(per_feature, axis=0)
                best_w[busy] = per_feature[best_f[busy], np.arange(len(busy))]
                # ... then the first position reaching it (the lowest threshold on ties).
                cols = np.arange(m)
                hit = children[best_f[node_at], cols] == best_w[node_at]
                best_p = np.zeros(n_nodes, dtype=np.int64)
                best_p[busy] = np.minimum.reduceat(np.where(hit, cols, m), starts[busy])
                split = np.isfinite(best_w)
                f, p = best_f[split], best_p[split]
                feature[split] = f
                # The threshold is halfway between the two consecutive distinct values.
                threshold[split] = xs[f, p] / 2 + xs[f, p + 1] / 2
                # Importance: the impurity decrease n_t I(t) - n_L I(L) - n_R I(R).
                np.add.at(importances, f, node_w[split] - best_w[split])
            features.append(feature)
            thresholds.append(threshold)
            splits.append(split)
            if not split.any():
                break
            # Children of the k-th split node get numbers 2k (left) and 2k+1 (right).
            order = order[:, split[node_of[order[0]]]]
            samples = order[0]
            first_child = 2 * np.cumsum(split) - 2
            node = node_of[samples]
            goes_right = XT[feature[node], samples] > threshold[node]
            node_of[samples] = first_child[node] + goes_right
            # A stable sort by child keeps every child's samples sorted by value.
            order = np.take_along_axis(order, np.argsort(node_of[order], axis=1, kind="stable"), 1)
            n_nodes = 2 * int(split.sum())
            flat = node_of[samples] * K + codes[samples]
            counts = np.bincount(flat, minlength=n_nodes * K).reshape(n_nodes, K).astype(float)
            depth += 1

        # Number the nodes level after level; the children of a level follow in order.
        self.feature_ = np.concatenate(features)
        self.threshold_ = np.concatenate(thresholds)
        self.value_ = np.concatenate(values)
        level_start = np.cumsum([0] + [len(level) for level in features])
        self.left_child_ = np.full(len(self.feature_), -1)
        for level, split in enumerate(splits[:-1]):
            first = level_start[level + 1] + 2 * np.arange(split.sum())
            self.left_child_[level_start[level] : level_start[level + 1]][split] = first
        self.depth_ = len(features) - 1
        # Normalise the total decreases so they sum to 1 (all zeros for a single leaf).
        total = importances.sum()
        self.feature_importances_ = importances / total if total > 0 else importances
        return self

    def _leaf_of(self, X):
        """The leaf each row of X reaches: go left when x[feature] <= threshold."""
        X = np.asarray(X, dtype=float)
        node = np.zeros(len(X), dtype=np.int64)
        rows = np.arange(len(X))
        for _ in range(self.depth_):
            feature = self.feature_[node]
            inner = feature >= 0
            goes_right = X[rows, np.maximum(feature, 0)] > self.threshold_[node]
            node = np.where(inner, self.left_child_[node] + goes_right, node)
        return node

    def predict_proba(self, X):
        """Class proportions of the leaf each row reaches; columns in classes_ order."""
        return self.value_[self._leaf_of(X)]

    def predict(self, X):
        """The most frequent class of the leaf (the first in classes_ on a tie)."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def get_depth(self):
        """The number of splits on the longest path from the root to a leaf."""
        return int(self.depth_)

    def get_n_leaves(self):
        """The number of leaves."""
        return int(np.sum(self.feature_ < 0))
