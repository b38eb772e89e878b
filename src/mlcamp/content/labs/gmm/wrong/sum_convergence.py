"""Wrong: the stopping rule (and lower_bound_) uses the SUM of the log-likelihoods."""

import numpy as np

REG_COVAR = 1e-6


def _nearest(X, means):
    """Index of the nearest mean for every row of X (lowest index on ties)."""
    # Direct differences (not the expansion trick): exact even far from the origin.
    D = np.sum((X[:, None, :] - means[None, :, :]) ** 2, axis=2)
    return np.argmin(D, axis=1)


def _logsumexp(A):
    """log(sum(exp(A), axis=0)) without overflow or underflow: factor out the largest term."""
    top = np.max(A, axis=0)
    return top + np.log(np.sum(np.exp(A - top), axis=0))


class GaussianMixture:
    """Gaussian mixture model with full covariance matrices, fitted by expectation-maximisation."""

    def __init__(self, n_components=1, max_iter=100, tol=1e-3, means_init=None, random_state=None):
        self.n_components = n_components
        self.max_iter = max_iter
        self.tol = tol
        self.means_init = means_init
        self.random_state = random_state

    # -- initialisation ---------------------------------------------------------------------------

    def _seeds(self, X):
        """k-means++ seeding: the first seed uniform, each next one with probability ~ D(x)^2."""
        rng = np.random.default_rng(self.random_state)
        n = X.shape[0]
        chosen = [int(rng.integers(n))]
        closest = np.sum((X - X[chosen[0]]) ** 2, axis=1)
        for _ in range(1, self.n_components):
            total = closest.sum()
            index = int(rng.choice(n, p=closest / total if total > 0 else None))
            chosen.append(index)
            closest = np.minimum(closest, np.sum((X - X[index]) ** 2, axis=1))
        return X[chosen].copy()

    # -- the two steps ----------------------------------------------------------------------------

    def _m_step(self, X, resp):
        """Weights, means and covariances from responsibilities resp (K, n): row k is r_k."""
        d = X.shape[1]
        # N_k = sum_i r_ik (a tiny constant keeps an empty component from dividing by zero).
        nk = resp.sum(axis=1) + 10 * np.finfo(float).eps
        # pi_k = N_k / n.
        self.weights_ = nk / nk.sum()
        # mu_k = sum_i r_ik x_i / N_k.
        self.means_ = (resp @ X) / nk[:, None]
        covariances = np.empty((self.n_components, d, d))
        for k in range(self.n_components):
            # Sigma_k = sum_i r_ik (x_i - mu_k)(x_i - mu_k)^T / N_k, plus reg_covar on the diagonal.
            diff = X - self.means_[k]
            covariances[k] = (resp[k] * diff.T) @ diff / nk[k]
            covariances[k].flat[:: d + 1] += REG_COVAR
        self.covariances_ = covariances
        self._set_cholesky()

    def _set_cholesky(self):
        """Sigma_k = L_k L_k^T; keep inv(L_k) and log det Sigma_k = 2 sum log diag(L_k)."""
        L = np.linalg.cholesky(self.covariances_)
        self._inv_chol = np.linalg.inv(L)
        self._log_det = 2.0 * np.sum(np.log(np.diagonal(L, axis1=1, axis2=2)), axis=1)

    def _weighted_log_prob(self, X):
        """log pi_k + log N(x_i | mu_k, Sigma_k), shape (K, n): one row per component.

        (Rows per component keep every reduction over k fast: the K values of one point are
        then spread over rows, and NumPy reduces across rows much faster than along short rows.)
        """
        n, d = X.shape
        out = np.empty((self.n_components, n))
        for k in range(self.n_components):
            # Mahalanobis distance: ||L_k^{-1} (x - mu_k)||^2.
            z = (X - self.means_[k]) @ self._inv_chol[k].T
            maha = np.einsum("ij,ij->i", z, z)
            out[k] = -0.5 * (d * np.log(2 * np.pi) + self._log_det[k] + maha)
        return out + np.log(self.weights_)[:, None]

    def _e_step(self, X):
        """Per-sample log-likelihood log p(x_i) and log-responsibilities log r_ik."""
        weighted = self._weighted_log_prob(X)
        # log p(x_i) = logsumexp_k (log pi_k + log N(x_i | k)).
        log_norm = _logsumexp(weighted)
        # log r_ik = log pi_k + log N(x_i | k) - log p(x_i), shape (K, n).
        return log_norm, weighted - log_norm

    # -- public API -------------------------------------------------------------------------------

    def fit(self, X, y=None):
        """Fit the mixture to X (n, d) with EM; returns self."""
        X = np.asarray(X, dtype=float)
        n = X.shape[0]
        K = self.n_components
        if self.means_init is not None:
            start = np.array(self.means_init, dtype=float)
        else:
            start = self._seeds(X)
        # Initial responsibilities: each point belongs entirely to its nearest starting mean.
        resp = np.zeros((K, n))
        resp[_nearest(X, start), np.arange(n)] = 1.0
        # One M-step on them gives weights and covariances; the means are the starting ones.
        self._m_step(X, resp)
        self.means_ = start
        lower_bound = -np.inf
        self.converged_ = False
        n_iter = 0
        while n_iter < self.max_iter:
            n_iter += 1
            previous = lower_bound
            log_norm, log_resp = self._e_step(X)
            self._m_step(X, np.exp(log_resp))
            # The lower bound is the mean log-likelihood computed in this E-step.
            lower_bound = float(np.sum(log_norm))
            if abs(lower_bound - previous) < self.tol:
                self.converged_ = True
                break
        self.n_iter_ = n_iter
        self.lower_bound_ = lower_bound
        return self

    def predict_proba(self, X):
        """Responsibilities P(component k | x_i), shape (n, K)."""
        return np.exp(self._e_step(np.asarray(X, dtype=float))[1]).T

    def predict(self, X):
        """The most probable component of each row of X."""
        return np.argmax(self._weighted_log_prob(np.asarray(X, dtype=float)), axis=0)

    def score_samples(self, X):
        """log p(x_i) for each row of X."""
        return self._e_step(np.asarray(X, dtype=float))[0]

    def score(self, X, y=None):
        """Mean log-likelihood per sample."""
        return float(np.mean(self.score_samples(X)))
