"""Checks for pca: scikit-learn's PCA (svd_solver="full") is the oracle, plus exact round trips.

Principal directions are defined up to sign, so every comparison first flips each learner
component (and the matching column of the scores) to agree with the oracle's; nothing else is
forgiven. Test data have well-separated variances (no ties), so the directions are unique.
"""

import numpy as np

from mlcamp.labs.checking import LabChecks
from mlcamp.labs.compare import CheckFailure, expect_array, expect_same_object, expect_true

checks = LabChecks()

COMPONENT_ATOL = 1e-8
RTOL = 1e-8


# -- data ----------------------------------------------------------------------------------------


def _data(seed, n, d, scales, *, offset=100.0, m=0):
    """n training rows (and m new rows) in d dimensions with spreads `scales` along random
    orthonormal directions, centred far from the origin. len(scales) < d gives rank-deficient
    data; the new rows come from the same directions but around a shifted centre."""
    rng = np.random.default_rng(seed)
    scales = np.asarray(scales, dtype=float)
    directions = np.linalg.qr(rng.normal(size=(d, d)))[0][: len(scales)]
    centre = offset * rng.uniform(0.5, 1.5, size=d) * rng.choice([-1.0, 1.0], size=d)
    X = (rng.normal(size=(n, len(scales))) * scales) @ directions + centre
    shift = rng.normal(size=d) * scales.max()
    X_new = (rng.normal(size=(m, len(scales))) * scales) @ directions + centre + shift
    return X, X_new


# Tall data (n > d), all directions present, variances well apart.
TALL, TALL_NEW = _data(1, 40, 6, [6.0, 4.0, 2.5, 1.5, 0.8, 0.3], m=9)
# A second tall set for n_components = k < d.
MID, MID_NEW = _data(2, 60, 8, [7.0, 5.0, 3.5, 2.2, 1.4, 0.8, 0.4, 0.15], offset=30.0, m=11)
# Wide data (n < d): the centred data have rank n - 1.
WIDE, _ = _data(3, 8, 15, [9.0, 7.0, 5.0, 3.6, 2.4, 1.6, 1.0, 0.5, 0.25], offset=50.0)
# Rank-deficient tall data: 30 points on a 3-dimensional plane in 7 dimensions.
FLAT, FLAT_NEW = _data(4, 30, 7, [5.0, 2.5, 1.0], offset=80.0, m=6)


def _total_variance(X):
    return float(np.var(np.asarray(X, dtype=float), axis=0, ddof=1).sum())


# -- oracle --------------------------------------------------------------------------------------


def _sklearn_pca(X, k, X_new=None, Z_given=None):
    from sklearn.decomposition import PCA

    model = PCA(n_components=k, svd_solver="full").fit(X)
    full = PCA(n_components=None, svd_solver="full").fit(X)
    out = {
        "mean": model.mean_,
        "components": model.components_,
        "all_components": full.components_,
        "variance": model.explained_variance_,
        "ratio": model.explained_variance_ratio_,
        "scores": model.transform(X),
    }
    if X_new is not None:
        out["new_scores"] = model.transform(X_new)
        out["new_projected"] = model.inverse_transform(model.transform(X_new))
    if Z_given is not None:
        out["from_given"] = model.inverse_transform(Z_given)
    return out


def _oracle(oracle, key, X, k, X_new=None, Z_given=None):
    return oracle(key, lambda: _sklearn_pca(X, k, X_new, Z_given))


# -- comparisons with diagnoses ------------------------------------------------------------------


def _fit(learner, X, k, *, what, default=False):
    model = learner.PCA() if default else learner.PCA(n_components=k)
    call = "PCA()" if default else f"PCA(n_components={k})"
    expect_same_object(model.fit(X), model, name=f"{call}.fit(X) on {what}")
    return model


def _show(values):
    """A short printout of an array of variances (tiny values shown as 0)."""
    return np.array2string(np.asarray(values), precision=4, suppress_small=True)


def _expect_shape(got, want, *, name):
    """Check the type, shape, dtype and finiteness of `got`, not its values."""
    return expect_array(got, want, name=name, rtol=0.0, atol=np.inf)


def _signs(got, want):
    """+1 or -1 per component: the flip that makes the learner's row agree with the oracle's."""
    return np.where(np.sum(got * want, axis=1) < 0, -1.0, 1.0)


def _check_components(got, want, *, name, X, all_components=None, mean=None, rows=None):
    """Compare components_ with the oracle's up to the sign of each row; return the signs.

    `rows` limits the value comparison to the first rows (the others are not unique when the
    data are rank-deficient); the shape is always checked in full. `X` is the training data,
    used only to explain a failure (the variance of X along each of the learner's rows).
    """
    want = np.asarray(want)
    k, d = want.shape
    if isinstance(got, np.ndarray) and got.ndim == 2 and got.shape == (d, k) and k != d:
        raise CheckFailure(
            f"{name}: expected shape ({k}, {d}), one component per ROW, got {got.shape}: it looks "
            "transposed (the rows of Vt from np.linalg.svd are the components, while "
            "np.linalg.eigh returns them as the columns of its second output)"
        )
    _expect_shape(got, want, name=name)
    rows = k if rows is None else rows
    got_r, want_r = got[:rows], want[:rows]
    signs = _signs(got_r, want_r)
    aligned = got_r * signs[:, None]
    if np.all(np.abs(aligned - want_r) <= COMPONENT_ATOL):
        return np.concatenate([signs, np.ones(k - rows)])
    norms = np.linalg.norm(got, axis=1)
    if np.any(np.abs(norms - 1) > 1e-6):
        i = int(np.argmax(np.abs(norms - 1)))
        raise CheckFailure(
            f"{name}: every component must be a unit vector, but row {i} has length "
            f"{norms[i]:.6g}; do not scale the directions by the singular values"
        )
    if k == d and np.all(np.abs(got.T * _signs(got.T, want)[:, None] - want) <= 1e-6):
        raise CheckFailure(
            f"{name}: the values match the expected components only after transposing: "
            "components_ must hold one component per ROW (np.linalg.eigh returns eigenvectors "
            "as columns, so transpose them)"
        )
    if mean is not None:
        unit_mean = np.asarray(mean) / np.linalg.norm(mean)
        if abs(got[0] @ unit_mean) > 0.99 and abs(want[0] @ unit_mean) < 0.95:
            raise CheckFailure(
                f"{name}: your first component points along the data's mean (|cosine| "
                f"{abs(got[0] @ unit_mean):.4f}), the expected one does not: looks like the "
                "data were not centred; subtract mean_ from X before the SVD"
            )
    if all_components is not None:
        match = np.abs(got_r @ np.asarray(all_components).T)
        best = match.argmax(axis=1)
        found = match[np.arange(rows), best] > 1 - 1e-6
        if np.all(found) and np.any(best != np.arange(rows)):
            order = ", ".join(str(int(j) + 1) for j in best)
            raise CheckFailure(
                f"{name}: your rows are the data's principal directions number {order} (1 = "
                "largest variance), expected 1, 2, 3, ... in order: sort the components by "
                "decreasing variance (np.linalg.eigh returns eigenvalues in increasing order)"
            )
    Xc = np.asarray(X, dtype=float) - np.asarray(X, dtype=float).mean(axis=0)
    along = np.sum((Xc @ got.T) ** 2, axis=0) / (len(Xc) - 1)
    if np.any(np.diff(along) > 1e-6 * max(float(along.max()), 1.0)):
        raise CheckFailure(
            f"{name}: the variance of the data along your rows is "
            f"{_show(along)}, not in decreasing order: sort the components "
            "by decreasing variance (np.linalg.eigh returns eigenvalues in increasing order)"
        )
    best = np.sum((Xc @ want_r.T) ** 2, axis=0) / (len(Xc) - 1)
    if along[:rows].sum() < (1 - 1e-6) * best.sum():
        raise CheckFailure(
            f"{name}: the data's variance along your first {rows} rows is "
            f"{_show(along[:rows])}, expected "
            f"{_show(best)}, the largest possible: keep the directions of "
            "LARGEST variance (np.linalg.eigh puts the largest eigenvalues at the end)"
        )
    expect_array(
        aligned,
        want_r,
        name=f"{name} (after flipping signs to match)",
        rtol=0.0,
        atol=COMPONENT_ATOL,
    )
    return np.concatenate([signs, np.ones(k - rows)])


def _check_variance(got, want, *, name, n, total):
    """Compare explained_variance_ (ddof = 1), recognising ddof = 0, singular values, order."""
    want = np.asarray(want)
    atol = 1e-10 * total
    _expect_shape(got, want, name=name)
    if np.all(np.abs(got - want) <= atol + RTOL * np.abs(want)):
        return
    if float(np.max(got)) > total * (1 + 1e-6):
        raise CheckFailure(
            f"{name}: got {float(np.max(got)):.6g}, more than the total variance of the data "
            f"({total:.6g}), which no single direction can carry: looks like the data were not "
            "centred (subtract the mean of each feature before the SVD)"
        )
    if np.allclose(got, want * (n - 1) / n, rtol=1e-6, atol=atol):
        raise CheckFailure(
            f"{name}: every value is (n-1)/n = {(n - 1) / n:.4f} times the expected one: looks "
            "like the variance was divided by n (ddof=0); divide the squared singular values by "
            "n - 1, as the sample variance (ddof=1) does"
        )
    if np.allclose(got, np.sqrt(want * (n - 1)), rtol=1e-6, atol=1e-6):
        raise CheckFailure(
            f"{name}: got the singular values of the centred data; the variance along "
            "component j is S[j] ** 2 / (n - 1)"
        )
    if len(got) > 1 and np.any(np.diff(got) > atol) and np.all(np.diff(want) <= atol):
        raise CheckFailure(
            f"{name}: got {_show(got)}, which increases; expected "
            f"{_show(want)}, in decreasing order: np.linalg.eigh returns "
            "eigenvalues in increasing order, reverse (or argsort) them and their eigenvectors"
        )
    expect_array(got, want, name=name, rtol=RTOL, atol=atol)


def _check_ratio(got, want, *, name):
    want = np.asarray(want)
    _expect_shape(got, want, name=name)
    if (
        abs(float(np.sum(got)) - 1.0) < 1e-6
        and float(np.sum(want)) < 1 - 1e-6
        and not np.allclose(got, want, rtol=RTOL, atol=1e-10)
    ):
        raise CheckFailure(
            f"{name}: your ratios sum to 1 over the {len(got)} kept components, but the kept "
            f"components explain only {float(np.sum(want)):.4f} of the data's variance: divide "
            "by the TOTAL variance (all directions, or the sum of the per-feature variances), "
            "not by the variance of the kept components"
        )
    if len(got) > 1 and np.any(np.diff(got) > 1e-10) and np.all(np.diff(want) <= 1e-10):
        raise CheckFailure(
            f"{name}: got {_show(got)}, which increases; expected "
            f"{_show(want)}: the components (and their variances) must be "
            "sorted in decreasing order (np.linalg.eigh returns increasing eigenvalues)"
        )
    expect_array(got, want, name=name, rtol=RTOL, atol=1e-10)


def _check_scores(got, want, signs, *, name, X, model_mean=None, components=None):
    """Compare transform's output with the oracle's, columns flipped by the component signs."""
    want = np.asarray(want) * signs[None, :]
    scale = np.sqrt(_total_variance(X)) if len(X) > 1 else 1.0
    atol = 1e-8 * scale
    _expect_shape(got, want, name=name)
    if not np.all(np.abs(got - want) <= atol + RTOL * np.abs(want)):
        X = np.asarray(X, dtype=float)
        if components is not None and len(X) > 1:
            own_centre = (X - X.mean(axis=0)) @ np.asarray(components).T
            if np.allclose(got, own_centre, atol=atol) and not np.allclose(want, own_centre):
                raise CheckFailure(
                    f"{name}: the scores were computed by centring these rows with THEIR OWN "
                    "mean; new data must be centred with the training mean_ learned by fit"
                )
            uncentred = X @ np.asarray(components).T
            if np.allclose(got, uncentred, atol=atol):
                raise CheckFailure(
                    f"{name}: the scores equal X @ components_.T without subtracting mean_ first"
                )
    expect_array(got, want, name=name, rtol=RTOL, atol=atol)


def _check_back(got, want, *, name, mean=None):
    """Compare a reconstruction in the original space (inverse_transform's output)."""
    want = np.asarray(want)
    atol = 1e-8 * max(float(np.max(np.abs(want))), 1.0)
    _expect_shape(got, want, name=name)
    if mean is not None and np.allclose(got + np.asarray(mean), want, atol=atol):
        raise CheckFailure(f"{name}: the result is off by exactly mean_: add mean_ back")
    expect_array(got, want, name=name, rtol=RTOL, atol=atol)


# -- task 1: centre, decompose, components and their variances ------------------------------------


@checks.test(task=1, name="fit returns self and learns mean_ (offset data)")
def fit_mean(learner, oracle):
    want = _oracle(oracle, "tall", TALL, None)
    model = _fit(learner, TALL, None, what="data (40, 6) far from the origin", default=True)
    expect_array(model.mean_, want["mean"], name="mean_ on data (40, 6)", rtol=1e-12, atol=1e-10)


@checks.test(task=1, name="components_ of tall offset data (n > d), all components, up to sign")
def components_tall(learner, oracle):
    want = _oracle(oracle, "tall", TALL, None)
    model = _fit(learner, TALL, None, what="data (40, 6)", default=True)
    _check_components(
        model.components_,
        want["components"],
        name="PCA().components_ on data (40, 6)",
        X=TALL,
        all_components=want["all_components"],
        mean=want["mean"],
    )


@checks.test(task=1, name="components_ rows are orthonormal")
def orthonormal(learner, oracle):
    for X, what in ((TALL, "data (40, 6)"), (MID, "data (60, 8)")):
        model = _fit(learner, X, None, what=what)
        got = _expect_shape(
            model.components_, np.zeros((min(X.shape), X.shape[1])), name=f"components_ on {what}"
        )
        gram = got @ got.T
        error = np.abs(gram - np.eye(len(gram)))
        i, j = np.unravel_index(int(np.argmax(error)), error.shape)
        expect_true(
            error[i, j] <= 1e-9,
            f"components_ on {what}: components_ @ components_.T should be the identity (unit "
            f"rows, orthogonal to each other), but entry [{i}, {j}] is {gram[i, j]:.6g}",
        )


@checks.test(task=1, name="explained_variance_ is the sample variance (ddof = 1) per component")
def variance_tall(learner, oracle):
    want = _oracle(oracle, "tall", TALL, None)
    model = _fit(learner, TALL, None, what="data (40, 6)")
    _check_variance(
        model.explained_variance_,
        want["variance"],
        name="explained_variance_ on data (40, 6)",
        n=len(TALL),
        total=_total_variance(TALL),
    )


# -- task 2: keep k components, explained variance ratio ------------------------------------------


@checks.test(task=2, name="n_components = 2 and 5 keep the leading components")
def keep_k(learner, oracle):
    for k in (2, 5):
        want = _oracle(oracle, f"mid-{k}", MID, k)
        model = _fit(learner, MID, k, what="data (60, 8)")
        what = f"PCA(n_components={k}) on data (60, 8)"
        _check_components(
            model.components_,
            want["components"],
            name=f"{what}: components_",
            X=MID,
            all_components=want["all_components"],
            mean=want["mean"],
        )
        _check_variance(
            model.explained_variance_,
            want["variance"],
            name=f"{what}: explained_variance_",
            n=len(MID),
            total=_total_variance(MID),
        )


@checks.test(task=2, name="explained_variance_ratio_ with all components sums to 1")
def ratio_all(learner, oracle):
    want = _oracle(oracle, "tall", TALL, None)
    model = _fit(learner, TALL, None, what="data (40, 6)")
    _check_ratio(
        model.explained_variance_ratio_,
        want["ratio"],
        name="PCA().explained_variance_ratio_ on data (40, 6)",
    )


@checks.test(task=2, name="explained_variance_ratio_ divides by the total variance, not the kept")
def ratio_kept(learner, oracle):
    for k in (2, 5):
        want = _oracle(oracle, f"mid-{k}", MID, k)
        model = _fit(learner, MID, k, what="data (60, 8)")
        _check_ratio(
            model.explained_variance_ratio_,
            want["ratio"],
            name=f"PCA(n_components={k}).explained_variance_ratio_ on data (60, 8)",
        )


# -- task 3: transform, fit_transform, inverse_transform ------------------------------------------


@checks.test(task=3, name="transform of the training data gives the scores")
def transform_train(learner, oracle):
    want = _oracle(oracle, "mid-new-3", MID, 3, MID_NEW)
    model = _fit(learner, MID, 3, what="data (60, 8)")
    signs = _check_components(
        model.components_,
        want["components"],
        name="PCA(n_components=3).components_ on data (60, 8)",
        X=MID,
        all_components=want["all_components"],
        mean=want["mean"],
    )
    _check_scores(
        model.transform(MID),
        want["scores"],
        signs,
        name="PCA(n_components=3).fit(X).transform(X) on data (60, 8)",
        X=MID,
        components=want["components"] * signs[:, None],
    )


@checks.test(task=3, name="fit_transform equals fit followed by transform")
def fit_transform(learner, oracle):
    want = _oracle(oracle, "mid-new-3", MID, 3, MID_NEW)
    model = learner.PCA(n_components=3)
    scores = model.fit_transform(MID)
    signs = _check_components(
        model.components_,
        want["components"],
        name="components_ after PCA(n_components=3).fit_transform(X) on data (60, 8)",
        X=MID,
        all_components=want["all_components"],
        mean=want["mean"],
    )
    _check_scores(
        scores,
        want["scores"],
        signs,
        name="PCA(n_components=3).fit_transform(X) on data (60, 8)",
        X=MID,
        components=want["components"] * signs[:, None],
    )


@checks.test(task=3, name="transform of new data centres with the training mean")
def transform_new(learner, oracle):
    for k in (3, 8):
        want = _oracle(oracle, f"mid-new-{k}", MID, k, MID_NEW)
        model = _fit(learner, MID, k, what="data (60, 8)")
        signs = _check_components(
            model.components_,
            want["components"],
            name=f"PCA(n_components={k}).components_ on data (60, 8)",
            X=MID,
            all_components=want["all_components"],
            mean=want["mean"],
        )
        _check_scores(
            model.transform(MID_NEW),
            want["new_scores"],
            signs,
            name=f"PCA(n_components={k}).fit(X).transform(X_new), X_new (11, 8) not used in fit",
            X=MID_NEW,
            components=want["components"] * signs[:, None],
        )


@checks.test(task=3, name="inverse_transform(transform(X)) gives X back with all components")
def round_trip(learner, oracle):
    # With k = d the components form a basis of the whole space, so the round trip is exact
    # for any rows; with n < d the training rows lie in the span of the first n - 1 components.
    cases = (
        (TALL, TALL, "training data (40, 6)"),
        (TALL, TALL_NEW, "new rows (9, 6) after fitting on (40, 6)"),
        (WIDE, WIDE, "training data (8, 15), n < d"),
    )
    for X, rows, what in cases:
        model = _fit(learner, X, None, what=what, default=True)
        _check_back(
            model.inverse_transform(model.transform(rows)),
            rows,
            name=f"PCA().inverse_transform(transform(X)) on {what}",
            mean=X.mean(axis=0),
        )


@checks.test(task=3, name="inverse_transform with k < d projects onto the kept components")
def projection(learner, oracle):
    rng = np.random.default_rng(30)
    Z_given = rng.normal(size=(5, 2)) * [7.0, 5.0]
    want = _oracle(oracle, "mid-new-2-given", MID, 2, MID_NEW, Z_given)
    model = _fit(learner, MID, 2, what="data (60, 8)")
    signs = _check_components(
        model.components_,
        want["components"],
        name="PCA(n_components=2).components_ on data (60, 8)",
        X=MID,
        all_components=want["all_components"],
        mean=want["mean"],
    )
    # Projection onto the kept subspace does not depend on the signs of the components.
    _check_back(
        model.inverse_transform(model.transform(MID_NEW)),
        want["new_projected"],
        name="PCA(n_components=2): inverse_transform(transform(X_new)), X_new (11, 8)",
        mean=want["mean"],
    )
    # Given scores: flip their columns to your component signs, the point is then the same.
    _check_back(
        model.inverse_transform(Z_given * signs[None, :]),
        want["from_given"],
        name="PCA(n_components=2).inverse_transform(Z) for Z of shape (5, 2)",
        mean=want["mean"],
    )


# -- task 4: wide and rank-deficient data --------------------------------------------------------


@checks.test(task=4, name="wide data (n < d): k = n components, the last with variance 0")
def wide(learner, oracle):
    n, d = WIDE.shape
    want = _oracle(oracle, "wide", WIDE, None)
    model = _fit(learner, WIDE, None, what=f"wide data ({n}, {d})", default=True)
    what = f"PCA() on wide data ({n}, {d})"
    # The centred data have rank n - 1: the n-th direction is any unit vector orthogonal to the
    # others, so only the first n - 1 rows are compared.
    _check_components(
        model.components_,
        want["components"],
        name=f"{what}: components_",
        X=WIDE,
        all_components=want["all_components"],
        mean=want["mean"],
        rows=n - 1,
    )
    got = model.components_
    error = np.abs(got @ got.T - np.eye(n))
    expect_true(
        float(error.max()) <= 1e-9,
        f"{what}: components_ rows must be orthonormal, including the last one (variance 0); "
        f"components_ @ components_.T is off the identity by {float(error.max()):.3g}",
    )
    _check_variance(
        model.explained_variance_,
        want["variance"],
        name=f"{what}: explained_variance_",
        n=n,
        total=_total_variance(WIDE),
    )
    _check_ratio(model.explained_variance_ratio_, want["ratio"], name=f"{what}: ratio")
    signs = np.concatenate([_signs(got[: n - 1], want["components"][: n - 1]), [1.0]])
    _check_scores(
        model.transform(WIDE),
        want["scores"],
        signs,
        name=f"{what}: transform(X)",
        X=WIDE,
        components=None,
    )


@checks.test(task=4, name="rank-deficient data: trailing variances are ~0, the rest as usual")
def rank_deficient(learner, oracle):
    n, d = FLAT.shape
    want = _oracle(oracle, "flat", FLAT, None)
    model = _fit(learner, FLAT, None, what="data (30, 7) lying on a plane of dimension 3")
    what = "PCA() on data (30, 7) of rank 3"
    _check_components(
        model.components_,
        want["components"],
        name=f"{what}: components_ (first 3 rows)",
        X=FLAT,
        all_components=want["all_components"],
        mean=want["mean"],
        rows=3,
    )
    got = model.components_
    error = np.abs(got @ got.T - np.eye(d))
    expect_true(
        float(error.max()) <= 1e-9,
        f"{what}: all 7 rows of components_ must be orthonormal, including those with variance "
        f"0; components_ @ components_.T is off the identity by {float(error.max()):.3g}",
    )
    _check_variance(
        model.explained_variance_,
        want["variance"],
        name=f"{what}: explained_variance_ (the last 4 are 0 up to rounding)",
        n=n,
        total=_total_variance(FLAT),
    )
    _check_ratio(
        model.explained_variance_ratio_, want["ratio"], name=f"{what}: explained_variance_ratio_"
    )


@checks.test(task=4, name="rank-deficient data: transform and round trip still work")
def rank_deficient_transform(learner, oracle):
    want = _oracle(oracle, "flat-3", FLAT, 3, FLAT_NEW)
    model = _fit(learner, FLAT, 3, what="data (30, 7) of rank 3")
    signs = _check_components(
        model.components_,
        want["components"],
        name="PCA(n_components=3).components_ on data (30, 7) of rank 3",
        X=FLAT,
        all_components=want["all_components"],
        mean=want["mean"],
    )
    _check_scores(
        model.transform(FLAT_NEW),
        want["new_scores"],
        signs,
        name="PCA(n_components=3) on data of rank 3: transform(X_new)",
        X=FLAT_NEW,
        components=want["components"] * signs[:, None],
    )
    # Three components span the whole plane of the data: the round trip is exact.
    _check_back(
        model.inverse_transform(model.transform(FLAT)),
        FLAT,
        name="PCA(n_components=3) on data of rank 3: inverse_transform(transform(X))",
        mean=FLAT.mean(axis=0),
    )
    full = _fit(learner, FLAT, None, what="data (30, 7) of rank 3", default=True)
    _check_back(
        full.inverse_transform(full.transform(FLAT_NEW)),
        FLAT_NEW,
        name="PCA() on data of rank 3: inverse_transform(transform(X_new)) with all 7 components",
        mean=FLAT.mean(axis=0),
    )


@checks.performance(sizes=[1500, 3000, 6000, 12000, 24000])
def speed(learner, n, rng):
    X = rng.normal(size=(n, 20)) * np.linspace(3.0, 0.2, 20) + 10.0
    learner.PCA(n_components=5).fit(X)


def _library():
    from sklearn.decomposition import PCA

    return {"PCA": lambda **kw: PCA(svd_solver="full", **kw)}


def _score(learner, n, rng):
    X = rng.normal(size=(n, 20)) * np.linspace(3.0, 0.2, 20) + 10.0
    return float(np.sum(learner.PCA(n_components=5).fit(X).explained_variance_))


checks.baseline(_library, score=_score, note="full SVD; score: kept variance")
