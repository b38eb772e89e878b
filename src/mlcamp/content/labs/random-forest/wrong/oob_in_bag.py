"""Wrong: the out-of-bag votes come from the trees that were trained on the row."""

import numpy as np


class _Tree:
    """A Gini tree grown until its leaves are pure, on class codes 0..K-1."""

    def __init__(self, classes, max_features, rng):
        self.classes = classes
        self.max_features = max_features
        self.rng = rng

    def fit(self, X, codes, weight):
        """Grow the tree on the rows with weight > 0, each counted `weight` times."""
        keep = weight > 0
        X, codes, weight = X[keep], codes[keep], weight[keep]
        n, d = X.shape
        K = len(self.classes)
        # rank[f, i]: the position of sample i when feature f is sorted.
        rank = np.empty((d, n), dtype=np.int64)
        rank[np.arange(d)[:, None], np.argsort(X.T, axis=1)] = np.arange(n)
        # Row k of onehot: how many copies of each sample are in class k.
        onehot = (np.arange(K)[:, None] == codes[None, :]) * weight[None, :]

        features, thresholds, values, splits = [], [], [], []
        samples = np.arange(n)  # the samples of the nodes that may still split
        node_of = np.zeros(n, dtype=np.int64)  # each sample's node, numbered within its level
        counts = np.bincount(codes, weights=weight, minlength=K)[None, :]
        while True:
            n_nodes = len(counts)
            sizes = counts.sum(axis=1)
            values.append(counts / sizes[:, None])
            feature = np.full(n_nodes, -1)
            threshold = np.zeros(n_nodes)
            split = np.zeros(n_nodes, dtype=bool)
            # Only impure nodes split (grown until pure).
            impure = counts.max(axis=1) < sizes
            samples = samples[impure[node_of[samples]]]
            if len(samples):
                # Every node draws its own max_features features, without replacement.
                drawn = np.argsort(self.rng.random((n_nodes, d)), axis=1)[:, : self.max_features]
                allowed = np.zeros((n_nodes, d), dtype=bool)
                allowed[np.arange(n_nodes)[:, None], drawn] = True
                # One entry per (sample, drawn feature), sorted by node, feature, then value.
                which, f = np.nonzero(allowed[node_of[samples]])
                s = samples[which]
                order = np.argsort((node_of[s] * d + f) * n + rank[f, s])
                s, f = s[order], f[order]
                node = node_of[s]
                x = X[s, f]
                L = len(s)
                # A block is the run of entries of one (node, feature) pair.
                block_start = np.ones(L, dtype=bool)
                block_start[1:] = (node[1:] != node[:-1]) | (f[1:] != f[:-1])
                block = np.cumsum(block_start) - 1
                # Class counts left of each cut: running counts minus those before the block.
                running = np.cumsum(onehot[:, s], axis=1)
                first = np.flatnonzero(block_start)
                before = np.zeros((K, len(first)))
                before[:, 1:] = running[:, first[1:] - 1]
                left = running - before[:, block]
                right = counts[node].T - left
                n_left = left.sum(axis=0)
                n_right = sizes[node] - n_left
                # Gini: n_L G(L) + n_R G(R) = n_t - sum_k L_k^2 / n_L - sum_k R_k^2 / n_R, so
                # the best cut maximises score = sum_k L_k^2 / n_L + sum_k R_k^2 / n_R.
                with np.errstate(divide="ignore", invalid="ignore"):
                    score = (left * left).sum(axis=0) / n_left
                    score += (right * right).sum(axis=0) / n_right
                # A cut is valid between two distinct values of the same block.
                valid = np.zeros(L, dtype=bool)
                valid[:-1] = (x[:-1] < x[1:]) & ~block_start[1:]
                score = np.where(valid, score, -np.inf)
                # A node's entries are contiguous with its features in increasing order, so the
                # first maximum has the lowest feature, then the lowest threshold.
                node_start = np.ones(L, dtype=bool)
                node_start[1:] = node[1:] != node[:-1]
                starts = np.flatnonzero(node_start)
                best = np.maximum.reduceat(score, starts)
                at = np.where(score == best[np.cumsum(node_start) - 1], np.arange(L), L)
                where = np.minimum.reduceat(at, starts)
                ok = np.isfinite(best)
                nodes, p = node[starts[ok]], where[ok]
                split[nodes] = True
                feature[nodes] = f[p]
                threshold[nodes] = x[p] / 2 + x[p + 1] / 2  # halfway between the values
            features.append(feature)
            thresholds.append(threshold)
            splits.append(split)
            if not split.any():
                break
            # Children of the k-th split node are 2k (x <= threshold) and 2k + 1.
            samples = samples[split[node_of[samples]]]
            node = node_of[samples]
            goes_right = X[samples, feature[node]] > threshold[node]
            node_of[samples] = 2 * np.cumsum(split)[node] - 2 + goes_right
            n_nodes = 2 * int(split.sum())
            flat = node_of[samples] * K + codes[samples]
            counts = np.bincount(flat, weights=weight[samples], minlength=n_nodes * K)
            counts = counts.reshape(n_nodes, K)

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

    def predict_proba(self, X):
        """Class proportions (in the forest's classes_ order) of the leaf each row reaches."""
        X = np.asarray(X, dtype=float)
        node = np.zeros(len(X), dtype=np.int64)
        rows = np.arange(len(X))
        for _ in range(self.depth_):
            feature = self.feature_[node]
            goes_right = X[rows, np.maximum(feature, 0)] > self.threshold_[node]
            node = np.where(feature >= 0, self.left_child_[node] + goes_right, node)
        return self.value_[node]

    def predict(self, X):
        """The forest's label of the most frequent class in each row's leaf."""
        return self.classes[np.argmax(self.predict_proba(X), axis=1)]


class RandomForestClassifier:
    """Averages the class probabilities of fully grown trees fitted to bootstrap samples."""

    def __init__(
        self,
        n_estimators=100,
        max_features="sqrt",
        bootstrap=True,
        oob_score=False,
        random_state=None,
    ):
        self.n_estimators = n_estimators
        self.max_features = max_features
        self.bootstrap = bootstrap
        self.oob_score = oob_score
        self.random_state = random_state

    def _features_per_split(self, d):
        """How many features each node may look at."""
        if self.max_features is None:
            return d
        if self.max_features == "sqrt":
            return max(1, int(np.sqrt(d)))
        return int(self.max_features)

    def fit(self, X, y):
        X = np.asarray(X, dtype=float)
        if self.oob_score and not self.bootstrap:
            raise ValueError("the out-of-bag score needs bootstrap=True")
        self.classes_, codes = np.unique(np.asarray(y), return_inverse=True)
        codes = codes.ravel()
        n = len(X)
        k = self._features_per_split(X.shape[1])
        rng = np.random.default_rng(self.random_state)
        self.estimators_ = []
        oob_sum = np.zeros((n, len(self.classes_)))
        oob_trees = np.zeros(n)
        for _ in range(self.n_estimators):
            # Bootstrap: n draws with replacement, kept as how often each row was drawn.
            if self.bootstrap:
                weight = np.bincount(rng.integers(0, n, size=n), minlength=n)
            else:
                weight = np.ones(n, dtype=np.int64)
            tree = _Tree(self.classes_, k, rng).fit(X, codes, weight)
            self.estimators_.append(tree)
            if self.oob_score:
                # Rows this tree never saw get its probabilities in their out-of-bag sum.
                out = weight > 0
                oob_sum[out] += tree.predict_proba(X[out])
                oob_trees[out] += 1
        if self.oob_score:
            # Accuracy over the rows that were out of bag for at least one tree.
            seen = oob_trees > 0
            self.oob_score_ = float(np.mean(np.argmax(oob_sum[seen], axis=1) == codes[seen]))
        return self

    def predict_proba(self, X):
        """The mean of the trees' class probabilities; columns in classes_ order."""
        X = np.asarray(X, dtype=float)
        return np.mean([tree.predict_proba(X) for tree in self.estimators_], axis=0)

    def predict(self, X):
        """The class with the largest mean probability (the first in classes_ on a tie)."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]
