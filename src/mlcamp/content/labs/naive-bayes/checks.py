"""Checks for naive-bayes: scikit-learn's GaussianNB and MultinomialNB are the oracle.

Both estimators are deterministic, so every learned attribute and every prediction is compared
with scikit-learn's at tight tolerances. The oracle also computes what the usual mistakes give
(smoothing relative to each feature's own variance, ddof = 1, alpha missing from the
denominator, uniform priors, ...) so a failure can name the mistake. Test data are checked in
the oracle for near-ties between the two best classes, where `predict` could go either way.
"""

import numpy as np

from mlcamp.labs.checking import LabChecks
from mlcamp.labs.compare import (
    CheckFailure,
    describe,
    expect_array,
    expect_same_object,
)

checks = LabChecks()

PARAM_RTOL = 1e-9
"""theta_, var_, epsilon_: |got - want| <= PARAM_RTOL * (|want| + feature scale) (theta_) or
PARAM_RTOL * |want| (var_, epsilon_)."""
LOG_RTOL = 1e-9
"""predict_log_proba: |got - want| <= LOG_RTOL * (|want| + 1 + largest |joint log-likelihood| of
the row); feature_log_prob_ and class_log_prior_: LOG_RTOL * (|want| + 1)."""
PROBA_ATOL = 1e-9
TIE_GAP = 1e-6
"""The two largest joint log-likelihoods of each graded query differ by more than this (times
1 + their size), so `predict` is not graded on near-ties."""

# Features on very different scales: the largest variance (feature 3) sets the smoothing.
OFFSETS = np.array([50.0, -3.0, 0.0, 1000.0])
SCALES = np.array([10.0, 0.1, 1.0, 100.0])


# -- data -----------------------------------------------------------------------------------------


def _gauss_classes(seed, sizes, d, *, separation=1.5, offsets=None, scales=None):
    """Gaussian classes with their own means and spreads, in shuffled order; codes 0..C-1."""
    rng = np.random.default_rng(seed)
    offsets = np.zeros(d) if offsets is None else offsets
    scales = np.ones(d) if scales is None else scales
    parts, codes = [], []
    for c, m in enumerate(sizes):
        mean = separation * rng.normal(size=d)
        spread = rng.uniform(0.5, 1.5, size=d)
        parts.append(mean + spread * rng.normal(size=(m, d)))
        codes.append(np.full(m, c))
    X = np.vstack(parts) * scales + offsets
    codes = np.concatenate(codes)
    order = rng.permutation(len(X))
    return X[order], codes[order]


def _main_gauss():
    """93 samples of 3 unbalanced classes (60, 25, 8), 4 features on scales 0.1 to 100."""
    X, codes = _gauss_classes(1, [60, 25, 8], 4, offsets=OFFSETS, scales=SCALES)
    first = int(np.argmax(codes == 2))  # the first sample belongs to the last class
    order = np.r_[first, np.delete(np.arange(len(codes)), first)]
    X, codes = X[order], codes[order]
    rng = np.random.default_rng(2)
    Q = X[rng.choice(len(X), 45, replace=False)] + 0.7 * SCALES * rng.normal(size=(45, 4))
    return X, codes, Q


GAUSS_NAMES = np.array(["high", "low", "mid"])


def _constant_feature():
    """Class 1 has feature 2 fixed at 2.5; queries on and slightly off that value."""
    X, codes = _gauss_classes(3, [30, 20, 25], 3, separation=2.0)
    X[codes == 1, 2] = 2.5
    rng = np.random.default_rng(4)
    Q = X[rng.choice(len(X), 20, replace=False)] + 0.2 * rng.normal(size=(20, 3))
    Q[:6, 2] = 2.5
    Q[6:10, 2] = 2.5 + np.array([1e-3, -1e-2, 0.1, -1.0])
    return X, codes, Q


def _word_distributions(seed, n_classes, d, absent):
    """One word distribution per class; class c never uses the words in absent[c], and no class
    uses the last word."""
    rng = np.random.default_rng(seed)
    P = rng.dirichlet(np.full(d, 0.6), size=n_classes)
    for c, words in enumerate(absent):
        P[c, list(words)] = 0.0
    P[:, -1] = 0.0
    return P / P.sum(axis=1, keepdims=True)


def _documents(seed, P, sizes, lengths):
    """Word counts of documents of each class (codes 0..C-1), in shuffled order."""
    rng = np.random.default_rng(seed)
    codes = np.repeat(np.arange(len(sizes)), sizes)
    n_words = rng.integers(lengths[0], lengths[1] + 1, size=len(codes))
    X = np.stack([rng.multinomial(k, P[c]) for k, c in zip(n_words, codes, strict=True)])
    order = rng.permutation(len(X))
    return X[order], codes[order]


WORDS = _word_distributions(10, 3, 40, [range(0, 5), range(5, 10), ()])


def _main_docs():
    """75 documents (40, 25, 10) over 40 words; class 0 never uses words 0-4, class 1 words 5-9."""
    X, codes = _documents(11, WORDS, [40, 25, 10], (10, 80))
    Q, _ = _documents(12, WORDS, [10, 10, 10], (5, 60))
    return X, codes, Q


DOC_NAMES = np.array(["eggs", "ham", "spam"])


# -- oracle ---------------------------------------------------------------------------------------


def _check_no_near_ties(jll):
    top = np.sort(jll, axis=1)[:, -2:]
    gap = top[:, 1] - top[:, 0]
    if np.any(gap <= TIE_GAP * (1.0 + np.abs(top[:, 1]))):
        raise RuntimeError("test data: a query is almost equally likely under two classes")


def _predictions(model, Q):
    jll = model.predict_joint_log_proba(Q)
    _check_no_near_ties(jll)
    return {
        "jll": jll,
        "log_proba": model.predict_log_proba(Q),
        "proba": model.predict_proba(Q),
        "pred": model.predict(Q).astype(np.int64),
    }


def _sk_gauss(X, codes, Q, var_smoothing=1e-9):
    """scikit-learn's GaussianNB, and the attributes the usual mistakes give."""
    from sklearn.naive_bayes import GaussianNB

    X = np.asarray(X, dtype=float)
    model = GaussianNB(var_smoothing=var_smoothing).fit(X, codes)
    C = len(model.classes_)
    result = {
        "theta": model.theta_,
        "var": model.var_,
        "epsilon": float(model.epsilon_),
        "class_count": model.class_count_,
        "class_prior": model.class_prior_,
        "feature_scale": np.abs(X).max(axis=0) + X.std(axis=0),
        **_predictions(model, Q),
    }
    # The usual mistakes, for the failure messages.
    pop = np.stack([np.var(X[codes == c], axis=0) for c in range(C)])
    sample = np.stack(
        [
            np.var(X[codes == c], axis=0, ddof=1) if np.sum(codes == c) > 1 else pop[c]
            for c in range(C)
        ]
    )
    eps = result["epsilon"]
    result["var-per-feature"] = pop + var_smoothing * np.var(X, axis=0)
    result["var-no-smoothing"] = pop
    result["var-ddof1"] = sample + eps
    result["var-ddof1-eps"] = sample + var_smoothing * np.var(X, axis=0, ddof=1).max()
    result["var-class-max"] = pop + var_smoothing * pop.max(axis=1, keepdims=True)
    uniform = GaussianNB(var_smoothing=var_smoothing, priors=np.full(C, 1.0 / C)).fit(X, codes)
    result["log_proba-uniform"] = uniform.predict_log_proba(Q)
    return result


def _sk_multi(X, codes, Q, alpha=1.0):
    """scikit-learn's MultinomialNB, and the attributes the usual mistakes give."""
    from sklearn.naive_bayes import MultinomialNB

    X = np.asarray(X, dtype=float)
    model = MultinomialNB(alpha=alpha).fit(X, codes)
    fc = model.feature_count_
    result = {
        "class_count": model.class_count_,
        "feature_count": fc,
        "class_log_prior": model.class_log_prior_,
        "feature_log_prob": model.feature_log_prob_,
        **_predictions(model, Q),
    }
    d = X.shape[1]
    with np.errstate(divide="ignore"):
        result["flp-alpha-once"] = np.log(fc + alpha) - np.log(fc.sum(1, keepdims=True) + alpha)
        result["flp-no-alpha-below"] = np.log(fc + alpha) - np.log(fc.sum(1, keepdims=True))
        result["flp-no-smoothing"] = np.log(fc) - np.log(fc.sum(1, keepdims=True))
        result["flp-docs"] = np.log(fc + alpha) - np.log(model.class_count_[:, None] + alpha * d)
        result["flp-over-classes"] = np.log(fc + alpha) - np.log((fc + alpha).sum(0, keepdims=True))
    words = fc.sum(axis=1)
    result["prior-words"] = np.log(words) - np.log(words.sum())
    result["prior-uniform"] = np.full(len(words), -np.log(len(words)))
    uniform = MultinomialNB(alpha=alpha, fit_prior=False).fit(X, codes)
    result["log_proba-uniform"] = uniform.predict_log_proba(Q)
    return result


MISTAKES = {
    "var-per-feature": "looks like each feature was smoothed by var_smoothing times ITS OWN "
    "variance; epsilon_ is var_smoothing times the LARGEST variance of any feature (over all "
    "samples), and that one number is added to every entry of var_",
    "var-no-smoothing": "these are the plain per-class variances: add epsilon_ = var_smoothing * "
    "(largest variance of any feature over all samples) to every entry",
    "var-ddof1": "these are sample variances (ddof = 1, dividing by n_c - 1); var_ uses the "
    "population variance (ddof = 0, dividing by the class count n_c), as np.var does by default",
    "var-ddof1-eps": "these are sample variances (ddof = 1); var_ and epsilon_ use the "
    "population variance (ddof = 0), as np.var does by default",
    "var-class-max": "looks like epsilon was taken from the largest variance within each class; "
    "it is var_smoothing times the largest variance of any feature over ALL samples, one number "
    "for every class",
    "flp-alpha-once": "the denominator has alpha added once; every one of the d features gets "
    "alpha, so the denominator is (total count of the class) + alpha * n_features",
    "flp-no-alpha-below": "alpha was added to the counts but not to the denominator: "
    "P(word | class) = (count + alpha) / (total count of the class + alpha * n_features), so "
    "that the probabilities of a class sum to 1",
    "flp-no-smoothing": "these are unsmoothed frequencies (log 0 = -inf for unseen words): add "
    "alpha to every count, and alpha * n_features to the denominator",
    "flp-docs": "the denominator used the number of DOCUMENTS of the class; it is the total word "
    "count of the class (the row sum of feature_count_) + alpha * n_features",
    "flp-over-classes": "each word was normalised over the classes (axis 0); each class's row "
    "must sum to 1 over the words: normalise along axis 1",
    "prior-words": "the prior used the number of WORDS in each class; it is the share of "
    "DOCUMENTS (samples) in each class",
    "prior-uniform": "these are uniform priors; the prior of a class is the share of training "
    "samples in it",
    "log_proba-uniform": "these are the log-probabilities with uniform priors: add the log prior "
    "of each class to its log-likelihood",
}


# -- comparisons ----------------------------------------------------------------------------------


def _with_diagnosis(failure, got, want, keys, *, rtol=1e-7):
    if isinstance(got, np.ndarray) and got.dtype.kind in "fiu":
        for key in keys:
            alt = want.get(key)
            if alt is None or np.shape(alt) != got.shape:
                continue
            with np.errstate(invalid="ignore"):
                same = np.all((got == alt) | (np.abs(got - alt) <= rtol * (np.abs(alt) + 1e-300)))
            if same:
                return CheckFailure(f"{failure}; {MISTAKES[key]}")
    return failure


def _expect_params(got, want, *, name, atol=0.0, rtol=PARAM_RTOL, keys=(), source=None):
    try:
        expect_array(got, want, name=name, rtol=rtol, atol=atol)
    except CheckFailure as failure:
        raise _with_diagnosis(failure, got, source or {}, keys) from None


def _expect_counts(got, want, *, name):
    """Counts are compared exactly; integer or float arrays are both fine."""
    if isinstance(got, np.ndarray) and got.dtype.kind in "iub":
        got = got.astype(float)
    expect_array(got, want, name=name, rtol=0.0, atol=0.0)


def _as_labels(got, *, name, n):
    if isinstance(got, list | tuple):
        got = np.asarray(got)
    if not isinstance(got, np.ndarray):
        raise CheckFailure(f"{name}: expected a NumPy array of {n} labels, got {describe(got)}")
    if got.shape != (n,):
        raise CheckFailure(f"{name}: expected shape ({n},), got {got.shape}")
    return got


def _expect_labels(got, want, *, name):
    want = np.asarray(want)
    got = _as_labels(got, name=name, n=len(want))
    if want.dtype.kind in "US" and got.dtype.kind not in "US":
        raise CheckFailure(
            f"{name}: expected the labels themselves (strings such as {str(want[0])!r}), got an "
            f"array of dtype {got.dtype}; return values taken from classes_"
        )
    if want.dtype.kind not in "US" and got.dtype.kind not in "biuf":
        raise CheckFailure(f"{name}: expected numeric labels like {want[0]!r}, got {got.dtype}")
    wrong = np.flatnonzero(got != want)
    if len(wrong):
        i = int(wrong[0])
        raise CheckFailure(
            f"{name}: {len(wrong)} of {len(want)} labels differ; first at index {i}: got "
            f"{got[i]!r}, expected {want[i]!r}"
        )


def _expect_classes(model, labels, *, what):
    want = np.unique(labels)
    got = _as_labels(model.classes_, name=f"classes_ {what}", n=len(want))
    if got.tolist() != want.tolist() and sorted(got.tolist()) == want.tolist():
        raise CheckFailure(
            f"classes_ {what}: expected {want.tolist()} (sorted), got {got.tolist()}; np.unique "
            "sorts, the order of first appearance does not count"
        )
    _expect_labels(got, want, name=f"classes_ {what}")
    return want


UNDERFLOW = (
    "the probabilities underflowed: with many features or far-away points the product of the "
    "densities (or exp of the log-likelihood) is below 1e-308 and becomes 0, so 0/0 = NaN or "
    "log(0) = -inf. Stay in log space: sum the log-densities and subtract "
    "logsumexp(jll) = m + log(sum(exp(jll - m))) with m the row maximum"
)


def _fit_is_off(model, want):
    """Which fitted attributes already differ from the oracle (for prediction failures)."""
    names = ("theta_", "var_") if "theta" in want else ("class_log_prior_", "feature_log_prob_")
    off = []
    for attribute in names:
        expected = want[attribute[:-1]]
        try:
            value = getattr(model, attribute)
        except Exception:
            continue
        close = (
            isinstance(value, np.ndarray)
            and value.shape == expected.shape
            and value.dtype.kind == "f"
            and np.allclose(value, expected, rtol=1e-6, atol=1e-9)
        )
        if not close:
            off.append(attribute)
    return off


def _expect_predictions(model, Q, want, *, what, labels):
    """predict_log_proba, predict_proba and predict; blame the fit when its attributes are off."""
    try:
        _expect_log_proba(model.predict_log_proba(Q), want, name=f"predict_log_proba {what}")
        _expect_proba(model.predict_proba(Q), want, name=f"predict_proba {what}")
        _expect_labels(model.predict(Q), labels[want["pred"]], name=f"predict {what}")
    except CheckFailure as failure:
        off = _fit_is_off(model, want)
        if off:
            raise CheckFailure(
                f"{failure}; your {' and '.join(off)} already "
                f"{'differ' if len(off) > 1 else 'differs'} from scikit-learn's on this data: fix "
                "the fit first (see the earlier tests)"
            ) from None
        raise


def _expect_log_proba(got, want, *, name, keys=("log_proba-uniform",)):
    scale = 1.0 + np.max(np.abs(want["jll"]), axis=1, keepdims=True)
    expected = want["log_proba"]
    try:
        expect_array(got, expected, name=name, rtol=LOG_RTOL, atol=LOG_RTOL * scale)
    except CheckFailure as failure:
        if (
            isinstance(got, np.ndarray)
            and got.shape == expected.shape
            and got.dtype.kind == "f"
            and not np.all(np.isfinite(got))
        ):
            raise CheckFailure(f"{failure}; {UNDERFLOW}") from None
        raise _with_diagnosis(failure, got, want, keys, rtol=1e-6) from None


def _expect_proba(got, want, *, name):
    try:
        got = expect_array(got, want["proba"], name=name, rtol=0.0, atol=PROBA_ATOL)
    except CheckFailure as failure:
        if (
            isinstance(got, np.ndarray)
            and got.shape == want["proba"].shape
            and got.dtype.kind == "f"
            and not np.all(np.isfinite(got))
        ):
            raise CheckFailure(f"{failure}; {UNDERFLOW}") from None
        raise
    sums = got.sum(axis=1)
    worst = int(np.argmax(np.abs(sums - 1.0)))
    if abs(sums[worst] - 1.0) > 1e-9:
        raise CheckFailure(f"{name}: row {worst} sums to {sums[worst]:.12g}, expected 1")


def _expect_gauss_fit(model, want, *, what):
    scale = want["feature_scale"][None, :]
    var = model.var_
    single = np.flatnonzero(want["class_count"] == 1)
    if (
        len(single)
        and isinstance(var, np.ndarray)
        and var.shape == want["var"].shape
        and var.dtype.kind == "f"
        and not np.all(np.isfinite(var[single]))
    ):
        raise CheckFailure(
            f"var_ {what}: got NaN or infinity in row {int(single[0])} (a class with a single "
            "sample); looks like the variance divides by n_c - 1 = 0 (ddof = 1). var_ uses the "
            "population variance (divide by n_c): 0 for one sample, plus epsilon_"
        )
    _expect_params(
        model.theta_, want["theta"], name=f"theta_ {what}", atol=PARAM_RTOL * scale, rtol=0.0
    )
    _expect_params(
        model.var_,
        want["var"],
        name=f"var_ {what}",
        keys=(
            "var-per-feature",
            "var-no-smoothing",
            "var-ddof1",
            "var-ddof1-eps",
            "var-class-max",
        ),
        source=want,
    )


def _expect_epsilon(got, want, *, name):
    if isinstance(got, np.ndarray) and got.shape == ():
        got = got.item()
    if isinstance(got, np.ndarray) and got.ndim == 1:
        raise CheckFailure(
            f"{name}: expected a single float, got an array of shape {got.shape}: looks like each "
            "feature got its own smoothing. epsilon_ is ONE number, var_smoothing times the "
            "largest variance of any feature over all samples"
        )
    if isinstance(got, bool) or not isinstance(got, int | float | np.integer | np.floating):
        raise CheckFailure(f"{name}: expected a single float, got {describe(got)}")
    if abs(float(got) - want) > PARAM_RTOL * abs(want):
        raise CheckFailure(f"{name}: got {float(got):.10g}, expected {want:.10g}")


# -- task 1: GaussianNB fit -----------------------------------------------------------------------


@checks.test(task=1, name="GaussianNB: fit returns self; classes_, class_count_, class_prior_")
def gauss_counts(learner, oracle):
    X, codes, Q = _main_gauss()
    y = GAUSS_NAMES[codes]
    want = oracle("gauss-main", lambda: _sk_gauss(X, codes, Q))
    model = learner.GaussianNB()
    expect_same_object(model.fit(X, y), model, name="GaussianNB().fit(X, y)")
    what = "(labels 'high' 'low' 'mid' with 60, 25, 8 samples; the first sample is 'mid')"
    _expect_classes(model, y, what=what)
    _expect_counts(model.class_count_, want["class_count"], name=f"class_count_ {what}")
    _expect_params(
        model.class_prior_,
        want["class_prior"],
        name=f"class_prior_ {what}",
        rtol=1e-12,
        keys=("prior-uniform",),
        source={"prior-uniform": np.full(3, 1 / 3)},
    )


@checks.test(task=1, name="GaussianNB: theta_, var_ and epsilon_ (features on scales 0.1 to 100)")
def gauss_params(learner, oracle):
    X, codes, Q = _main_gauss()
    want = oracle("gauss-main", lambda: _sk_gauss(X, codes, Q))
    model = learner.GaussianNB().fit(X, GAUSS_NAMES[codes])
    what = "(3 classes, 4 features with offsets up to 1000 and spreads from 0.1 to 100)"
    _expect_epsilon(model.epsilon_, want["epsilon"], name=f"epsilon_ {what}")
    _expect_gauss_fit(model, want, what=what)


@checks.test(
    task=1, name="GaussianNB: a class with a constant feature, var_smoothing 1e-9 and 1e-2"
)
def gauss_constant(learner, oracle):
    X, codes, Q = _constant_feature()
    labels = np.array([3, 7, 9])
    for vs in (1e-9, 1e-2):
        want = oracle(f"gauss-constant-{vs:g}", lambda vs=vs: _sk_gauss(X, codes, Q, vs))
        model = learner.GaussianNB(var_smoothing=vs).fit(X, labels[codes])
        what = f"(class 7 has feature 2 constant, var_smoothing={vs:g})"
        _expect_epsilon(model.epsilon_, want["epsilon"], name=f"epsilon_ {what}")
        _expect_gauss_fit(model, want, what=what)


@checks.test(
    task=1, name="GaussianNB: a class with one sample, integer X, more features than samples"
)
def gauss_edges(learner, oracle):
    rng = np.random.default_rng(7)
    X = rng.integers(-5, 6, size=(13, 20))
    codes = np.r_[np.zeros(6, int), np.ones(6, int), 2]
    Q = rng.integers(-5, 6, size=(8, 20)) + 0.5
    want = oracle("gauss-edges", lambda: _sk_gauss(X, codes, Q))
    labels = np.array([-1, 0, 1])
    model = learner.GaussianNB().fit(X, labels[codes])
    what = "(13 integer samples, 20 features; class 1 has a single sample)"
    _expect_counts(model.class_count_, want["class_count"], name=f"class_count_ {what}")
    _expect_gauss_fit(model, want, what=what)


# -- task 2: GaussianNB predictions ---------------------------------------------------------------


@checks.test(task=2, name="GaussianNB: predict_log_proba, predict_proba and predict on new points")
def gauss_predict(learner, oracle):
    X, codes, Q = _main_gauss()
    want = oracle("gauss-main", lambda: _sk_gauss(X, codes, Q))
    model = learner.GaussianNB().fit(X, GAUSS_NAMES[codes])
    what = "on 45 new points (columns: 'high', 'low', 'mid')"
    _expect_predictions(model, Q, want, what=what, labels=GAUSS_NAMES)
    _expect_log_proba(
        model.predict_log_proba(Q[:1]),
        {key: want[key][:1] for key in ("jll", "log_proba")},
        name="predict_log_proba of a single point (shape (1, 3))",
    )


@checks.test(task=2, name="GaussianNB: very confident predictions keep finite log-probabilities")
def gauss_confident(learner, oracle):
    X, codes, Q = _constant_feature()
    labels = np.array([3, 7, 9])
    want = oracle("gauss-constant-1e-09", lambda: _sk_gauss(X, codes, Q, 1e-9))
    model = learner.GaussianNB(var_smoothing=1e-9).fit(X, labels[codes])
    lowest = float(np.min(want["log_proba"]))
    what = f"with a constant feature (log-probabilities down to {lowest:.3g})"
    _expect_predictions(model, Q, want, what=what, labels=labels)
    Xm, cm, _ = _main_gauss()
    far = Xm.mean(axis=0) + np.outer(np.linspace(-40, 40, 9), SCALES)
    want = oracle("gauss-far", lambda: _sk_gauss(Xm, cm, far))
    model = learner.GaussianNB().fit(Xm, GAUSS_NAMES[cm])
    what = "for points 40 spreads away from the data"
    _expect_predictions(model, far, want, what=what, labels=GAUSS_NAMES)


# -- task 3: MultinomialNB fit --------------------------------------------------------------------


@checks.test(task=3, name="MultinomialNB: fit returns self; class_count_, feature_count_, priors")
def multi_counts(learner, oracle):
    X, codes, Q = _main_docs()
    y = DOC_NAMES[codes]
    want = oracle("multi-1", lambda: _sk_multi(X, codes, Q, 1.0))
    model = learner.MultinomialNB()
    expect_same_object(model.fit(X, y), model, name="MultinomialNB().fit(X, y)")
    what = "(75 documents of 40 words, 40/25/10 per class)"
    _expect_classes(model, y, what=what)
    _expect_counts(model.class_count_, want["class_count"], name=f"class_count_ {what}")
    _expect_counts(model.feature_count_, want["feature_count"], name=f"feature_count_ {what}")
    _expect_params(
        model.class_log_prior_,
        want["class_log_prior"],
        name=f"class_log_prior_ {what}",
        atol=LOG_RTOL,
        rtol=LOG_RTOL,
        keys=("prior-words", "prior-uniform"),
        source=want,
    )


@checks.test(task=3, name="MultinomialNB: feature_log_prob_ for alpha = 1, 0.5 and 0.01")
def multi_log_prob(learner, oracle):
    X, codes, Q = _main_docs()
    for alpha in (1.0, 0.5, 0.01):
        want = oracle(f"multi-{alpha:g}", lambda a=alpha: _sk_multi(X, codes, Q, a))
        model = learner.MultinomialNB(alpha=alpha).fit(X, DOC_NAMES[codes])
        _expect_params(
            model.feature_log_prob_,
            want["feature_log_prob"],
            name=f"feature_log_prob_ with alpha={alpha:g} (words missing from classes, and "
            "word 39 never used)",
            atol=LOG_RTOL,
            rtol=LOG_RTOL,
            keys=(
                "flp-alpha-once",
                "flp-no-alpha-below",
                "flp-no-smoothing",
                "flp-docs",
                "flp-over-classes",
            ),
            source=want,
        )


@checks.test(task=3, name="MultinomialNB: more words than documents, integer labels")
def multi_wide(learner, oracle):
    P = _word_distributions(20, 2, 150, [range(0, 40), range(100, 140)])
    X, codes = _documents(21, P, [6, 9], (20, 60))
    Q, _ = _documents(22, P, [4, 4], (20, 60))
    labels = np.array([0, 5])
    want = oracle("multi-wide", lambda: _sk_multi(X, codes, Q, 0.5))
    model = learner.MultinomialNB(alpha=0.5).fit(X, labels[codes])
    what = "(15 documents, 150 words, alpha=0.5)"
    _expect_counts(model.feature_count_, want["feature_count"], name=f"feature_count_ {what}")
    _expect_params(
        model.feature_log_prob_,
        want["feature_log_prob"],
        name=f"feature_log_prob_ {what}",
        atol=LOG_RTOL,
        rtol=LOG_RTOL,
        keys=("flp-alpha-once", "flp-no-alpha-below", "flp-docs", "flp-over-classes"),
        source=want,
    )
    _expect_labels(model.predict(Q), labels[want["pred"]], name=f"predict {what}")


# -- task 4: MultinomialNB predictions ------------------------------------------------------------


@checks.test(task=4, name="MultinomialNB: predict_log_proba, predict_proba and predict")
def multi_predict(learner, oracle):
    X, codes, Q = _main_docs()
    for alpha in (1.0, 0.01):
        want = oracle(f"multi-{alpha:g}", lambda a=alpha: _sk_multi(X, codes, Q, a))
        model = learner.MultinomialNB(alpha=alpha).fit(X, DOC_NAMES[codes])
        what = f"on 30 new documents, alpha={alpha:g} (columns 'eggs', 'ham', 'spam')"
        _expect_predictions(model, Q, want, what=what, labels=DOC_NAMES)


@checks.test(task=4, name="MultinomialNB: long documents (log-likelihoods near -1e4) stay finite")
def multi_long(learner, oracle):
    X, codes, _ = _main_docs()
    long_docs, _ = _documents(13, WORDS, [3, 3, 3], (2000, 3000))
    want = oracle("multi-long", lambda: _sk_multi(X, codes, long_docs, 1.0))
    model = learner.MultinomialNB().fit(X, DOC_NAMES[codes])
    lowest = float(np.min(want["jll"]))
    what = f"for 9 documents of 2000-3000 words (joint log-likelihoods down to {lowest:.3g})"
    _expect_predictions(model, long_docs, want, what=what, labels=DOC_NAMES)


# -- performance ----------------------------------------------------------------------------------


def _perf_data(n, rng):
    centres = rng.normal(size=(4, 16)) * 2.0
    codes = rng.integers(0, 4, size=n)
    return centres[codes] + rng.normal(size=(n, 16)), codes


@checks.performance(sizes=[2000, 4000, 8000, 16000, 32000])
def speed(learner, n, rng):
    X, y = _perf_data(n, rng)
    learner.GaussianNB().fit(X, y).predict_log_proba(X)


def _library():
    from sklearn.naive_bayes import GaussianNB, MultinomialNB

    return {"GaussianNB": GaussianNB, "MultinomialNB": MultinomialNB}


def _score(learner, n, rng):
    X, y = _perf_data(n, rng)
    return float(np.mean(learner.GaussianNB().fit(X, y).predict(X) == y))


checks.baseline(_library, score=_score, note="score = training accuracy of GaussianNB")
