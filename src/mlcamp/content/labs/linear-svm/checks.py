"""Checks for linear-svm. The objective is the textbook soft-margin SVM with an UNPENALISED
intercept, J(w, b) = 0.5 ||w||^2 + C sum_i max(0, 1 - s_i (w . x_i + b)), s_i = +1 for
classes_[1] and -1 for classes_[0]. (scikit-learn's LinearSVC penalises b as well; its SVC with a
linear kernel does not, and solves exactly this problem.)

Oracle: scikit-learn's SVC(kernel="linear", tol=1e-10) gives the support vectors: its dual
coefficients say which samples sit on the margin (0 < alpha < C) and which violate it
(alpha = C). From those sets the KKT conditions are a small linear system, solved here in NumPy
exactly; the solution is then certified (every KKT condition within 1e-11, primal objective =
dual objective within 1e-9 relative), with samples moved between the sets if a condition fails.
The learner is graded on the objective value (J at their coef_ and intercept_ within OBJ_RTOL of
the optimum J*), and on what that implies: 0.5 ||w - w*||^2 <= J - J*, because J is the sum of
0.5 ||w||^2 and a convex function. The intercept is pinned by the objective only; predictions
are compared with the oracle's away from its decision boundary.
"""

import numpy as np

from mlcamp.labs.checking import LabChecks, LearnerError
from mlcamp.labs.compare import (
    CheckFailure,
    describe,
    expect_array,
    expect_same_object,
    expect_true,
)

checks = LabChecks()

OBJ_RTOL = 1e-5
"""The learner's objective must be at most J* (1 + OBJ_RTOL) + 1e-12."""

CLEAR = 0.5
"""Predictions are compared with the oracle's only where |w* . x + b*| >= CLEAR."""


# -- data -----------------------------------------------------------------------------------------

OFFSETS = np.array([3.0, -2.0, 0.0, 5.0])
SCALES = np.array([1.0, 2.0, 0.5, 1.0])


def _make(seed, n, d, *, noise=0.5, offsets=None, scales=None, bias=0.3):
    """Two overlapping classes (0/1) around a random hyperplane; offsets move the features."""
    rng = np.random.default_rng(seed)
    Z = rng.normal(size=(n, d))
    w = rng.normal(size=d)
    t = (Z @ w / np.linalg.norm(w) + bias + noise * rng.normal(size=n) > 0).astype(int)
    offsets = np.zeros(d) if offsets is None else offsets
    scales = np.ones(d) if scales is None else scales
    return Z * scales + offsets, t


def _base_data():
    """200 samples of 4 offset, scaled features, overlapping classes, plus 10 duplicated rows."""
    X, t = _make(1, 200, 4, offsets=OFFSETS, scales=SCALES)
    return np.vstack([X, X[:10]]), np.concatenate([t, t[:10]])


def _new_points(seed, m):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(m, 4)) * SCALES * 1.5 + OFFSETS


def _signs(t):
    return np.where(np.asarray(t) == 1, 1.0, -1.0)


# -- oracle ---------------------------------------------------------------------------------------


def _objective(X, s, C, w, b):
    """J(w, b) = 0.5 ||w||^2 + C sum max(0, 1 - s (X w + b))."""
    return float(0.5 * w @ w + C * np.sum(np.maximum(0.0, 1.0 - s * (X @ w + b))))


def _kkt_solve(X, s, C, M, V):
    """alpha on the margin set M and b from the KKT equalities; alpha = C on V, 0 elsewhere."""
    m = int(M.sum())
    SXM = s[M][:, None] * X[M]
    w_bound = C * (s[V] @ X[V])
    K = np.zeros((m + 1, m + 1))
    K[:m, :m] = SXM @ SXM.T
    K[:m, m] = s[M]
    K[m, :m] = s[M]
    rhs = np.r_[1.0 - s[M] * (X[M] @ w_bound), -C * s[V].sum()]
    solution = np.linalg.lstsq(K, rhs, rcond=None)[0]
    alpha = np.zeros(len(s))
    alpha[V] = C
    alpha[M] = solution[:m]
    return alpha, float(solution[m])


def _certified(X, s, C, M, V, rounds=300):
    """Solve the KKT system for the sets (M, V), move violators, certify by the duality gap."""
    n = len(s)
    for _ in range(rounds):
        alpha, b = _kkt_solve(X, s, C, M, V)
        w = X.T @ (alpha * s)
        z = 1.0 - s * (X @ w + b)
        eps = 1e-11 * (1.0 + np.max(np.abs(z)))
        N = ~M & ~V
        violations = [
            np.where(M, -alpha / C, -np.inf),  # a margin sample with alpha < 0
            np.where(M, alpha / C - 1.0, -np.inf),  # a margin sample with alpha > C
            np.where(N, z, -np.inf),  # a sample with alpha = 0 inside the margin
            np.where(V, -z, -np.inf),  # a sample with alpha = C outside the margin
        ]
        worst = [float(v.max()) for v in violations]
        balanced = abs(alpha @ s) <= 1e-12 * C * n
        if max(worst) <= eps and balanced:
            primal = _objective(X, s, C, w, b)
            dual = float(alpha.sum() - 0.5 * w @ w)
            if abs(primal - dual) > 1e-9 * abs(primal):
                break
            return {"coef": w, "intercept": b, "objective": primal}
        if max(worst) <= eps:
            j = int(np.argmin(np.where(M, np.inf, np.abs(z))))
            M[j], V[j] = True, False
            continue
        kind = int(np.argmax(worst))
        j = int(np.argmax(violations[kind]))
        if kind == 0:
            M[j] = False
        elif kind == 1:
            M[j], V[j] = False, True
        else:
            M[j], V[j] = True, False
    raise RuntimeError("the SVM oracle could not certify this case")


def _svm(X, t, C):
    """The exact optimum of J for labels t (1 = positive class), certified."""
    from sklearn.svm import SVC

    X = np.asarray(X, dtype=float)
    s = _signs(t)
    model = SVC(kernel="linear", C=C, tol=1e-10, max_iter=-1).fit(X, s)
    alpha = np.zeros(len(s))
    alpha[model.support_] = np.abs(model.dual_coef_[0])
    V = alpha >= C * (1.0 - 1e-6)
    M = (alpha > 0) & ~V
    return _certified(X, s, C, M, V)


def _alternatives(oracle, key, X, t, C):
    """Optima of the usual mistakes (other values of C), with what each one means."""
    n = len(t)
    meanings = {}
    if C != 1:
        meanings[1.0] = [f"these are the parameters for C = 1, not C = {C:g}: is C used?"]
        meanings.setdefault(1.0 / C, []).append(
            f"these are the parameters for C = {1 / C:g}: C multiplied the regulariser; the "
            "objective is 0.5 ||w||^2 + C * sum of hinge losses (C on the loss)"
        )
    meanings.setdefault(C / n, []).append(
        f"these are the parameters for C / n = {C / n:.3g}: the objective has C times the SUM "
        "of the hinge losses, not their mean"
    )
    return [
        (oracle(f"{key}-C{value:.8g}", lambda v=value: _svm(X, t, v)), "; or ".join(texts))
        for value, texts in meanings.items()
    ]


# -- comparisons ----------------------------------------------------------------------------------


def _fetch(model, d, *, what):
    coef = model.coef_
    intercept = model.intercept_
    for name, value, shape in (("coef_", coef, (1, d)), ("intercept_", intercept, (1,))):
        if not isinstance(value, np.ndarray) or value.shape != shape:
            got = value.shape if isinstance(value, np.ndarray) else describe(value)
            raise CheckFailure(
                f"{name} {what}: expected an array of shape {shape} as in scikit-learn, got {got}"
            )
        expect_true(
            value.dtype.kind == "f",
            f"{name} {what}: expected floating-point values, got dtype {value.dtype}",
        )
    return coef[0].astype(float), float(intercept[0])


def _diagnose(X, t, C, w, b, want, alternatives):
    """A hint that names the mistake when the learner's parameters match a known one."""
    s = _signs(t)
    scale = 1.0 + float(np.max(np.abs(want["coef"])))
    for params, meaning in alternatives:
        if np.all(np.abs(w - params["coef"]) <= 1e-3 * scale):
            return meaning
    for linear in (C * (s @ X), C * (s @ (X - X.mean(axis=0)))):
        if np.all(np.abs(w - linear) <= 1e-3 * (1.0 + np.max(np.abs(linear)))):
            return (
                "your coef_ is C * sum_i s_i x_i, the minimiser of 0.5 ||w||^2 + C sum (1 - s_i "
                "f_i): the max(0, .) of the hinge is missing, so samples beyond the margin still "
                "pull on w (and J is then linear in b, so the intercept runs off)"
            )
    if np.max(np.abs(w)) <= 1e-3 * scale and abs(b - 1.0) <= 1e-2:
        return (
            "w is 0 and b is 1: that is the optimum when the labels 0/1 are used as s directly "
            "(the hinge of a sample with s = 0 is always 1); map classes_[0] to -1 and "
            "classes_[1] to +1"
        )
    return ""


def _expect_fit(model, X, t, C, want, *, what, alternatives=(), shifted=None):
    """Objective within OBJ_RTOL of the optimum, then coef_ within the band it implies."""
    X = np.asarray(X, dtype=float)
    s = _signs(t)
    w, b = _fetch(model, X.shape[1], what=what)
    if not (np.all(np.isfinite(w)) and np.isfinite(b)):
        raise CheckFailure(
            f"coef_ / intercept_ {what}: got NaN or infinity (coef_ {w}, intercept_ {b}); the "
            "fit diverged"
        )
    best = want["objective"]
    allowed = OBJ_RTOL * best + 1e-12
    value = _objective(X, s, C, w, b)
    band = float(np.sqrt(2.0 * allowed)) + 1e-9
    try:
        expect_true(
            value <= best + allowed,
            f"objective J(coef_, intercept_) {what}: got {value:.10g}, the optimum is "
            f"{best:.10g} (excess {value - best:.3g}, {100 * (value - best) / best:.3g}% of it; "
            f"allowed {allowed:.3g})",
        )
        expect_array(
            w,
            want["coef"],
            name=f"coef_[0] {what} (band sqrt(2 * allowed excess))",
            rtol=0.0,
            atol=band,
        )
    except CheckFailure as failure:
        hint = _diagnose(X, t, C, w, b, want, alternatives)
        if not hint and shifted is not None:
            hint = shifted
        if not hint and value > best + allowed:
            hint = (
                "your parameters do not minimise J. If you use (sub)gradient steps, they do not "
                "get this close in a reasonable number of iterations: the README's smoothed "
                "Newton method does; if you smooth the hinge, make the width h small enough "
                "at the end (1e-7) and centre X inside fit"
            )
        raise CheckFailure(f"{failure}; {hint}" if hint else str(failure)) from None
    return w, b


def _fit(learner, X, y, *, C=None, what):
    model = learner.LinearSVM() if C is None else learner.LinearSVM(C=C)
    try:
        returned = model.fit(X, y)
    except LearnerError as error:
        labels = np.unique(y)
        if error.exception_type in ("TypeError", "ValueError", "UFuncTypeError") and (
            labels.dtype.kind in "US"
        ):
            raise LearnerError(
                error.kind,
                f"{error.message}\nThe labels here are strings {labels.tolist()}: do the math with "
                "s = np.where(y == classes_[1], 1.0, -1.0), never with y itself",
                exception_type=error.exception_type,
            ) from error
        raise
    expect_same_object(returned, model, name=f"fit(X, y) {what}")
    return model


def _fit_and_check(learner, oracle, key, X, t, C, *, what, y=None):
    want = oracle(key, lambda: _svm(X, t, C))
    model = _fit(learner, X, t if y is None else y, C=C, what=what)
    _expect_fit(model, X, t, C, want, what=what, alternatives=_alternatives(oracle, key, X, t, C))
    return model, want


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
            f"{name}: expected the labels themselves (strings such as {want[0]!r}), got an array "
            f"of dtype {got.dtype}; return values taken from classes_"
        )
    if want.dtype.kind not in "US" and got.dtype.kind not in "biuf":
        raise CheckFailure(
            f"{name}: expected numeric labels like {want[0]!r}, got dtype {got.dtype}"
        )
    wrong = np.flatnonzero(got != want)
    if len(wrong):
        i = int(wrong[0])
        raise CheckFailure(
            f"{name}: {len(wrong)} of {len(want)} labels differ; first at index {i}: got "
            f"{got.tolist()[i]!r}, expected {want.tolist()[i]!r}"
        )


def _expect_classes(model, labels, *, what):
    want = np.unique(labels)
    got = _as_labels(model.classes_, name=f"classes_ {what}", n=2)
    if got.tolist() != want.tolist() and sorted(got.tolist()) == want.tolist():
        raise CheckFailure(
            f"classes_ {what}: expected {want.tolist()} (sorted), got {got.tolist()}; np.unique "
            "sorts, the order of first appearance does not count"
        )
    _expect_labels(got, want, name=f"classes_ {what}")


# -- task 1: the fit ------------------------------------------------------------------------------


@checks.test(task=1, name="fit returns self; coef_ (1, d), intercept_ (1,), classes_ sorted")
def shapes(learner, oracle):
    X, t = _base_data()
    model = _fit(learner, X, t, what="(210 x 4)")
    _fetch(model, 4, what="(210 x 4)")
    _expect_classes(model, t, what="(labels 0/1)")
    defaults = (model.C, model.max_iter)
    expect_true(
        defaults == (1.0, 1000),
        f"LinearSVM() should default to C=1.0, max_iter=1000; got C={defaults[0]!r}, "
        f"max_iter={defaults[1]!r}",
    )


@checks.test(task=1, name="two points by hand: x = -1 and +1, J* = 0.5 (C = 1), 0.375 (C = 1/4)")
def two_points(learner, oracle):
    X = np.array([[-1.0], [1.0]])
    t = np.array([0, 1])
    # b = 0 by symmetry; J = 0.5 w^2 + 2 C max(0, 1 - w): w = 1 if 2 C >= 1, else w = 2 C.
    for C, w in ((1.0, 1.0), (0.25, 0.5)):
        want = {"coef": np.array([w]), "intercept": 0.0, "objective": 0.5 * w * w + 2 * C * (1 - w)}
        what = f"(2 points, C={C:g})"
        model = _fit(learner, X, t, C=C, what=what)
        _expect_fit(model, X, t, C, want, what=what)


@checks.test(task=1, name="C = 1 on offset, scaled features with overlapping classes")
def base_fit(learner, oracle):
    X, t = _base_data()
    _fit_and_check(learner, oracle, "base-C1", X, t, 1.0, what="(C=1, 210 x 4)")


@checks.test(task=1, name="more features than samples (30 x 40, separable), C = 1")
def wide(learner, oracle):
    X, t = _make(2, 30, 40, noise=0.0, offsets=np.linspace(-2.0, 2.0, 40))
    _fit_and_check(learner, oracle, "wide", X, t, 1.0, what="(C=1, 30 x 40)")


@checks.test(task=1, name="nearly separable classes with a weak penalty, C = 100")
def hard_margin(learner, oracle):
    X, t = _make(3, 120, 2, noise=0.05, offsets=np.array([1.0, -1.0]))
    _fit_and_check(learner, oracle, "hard", X, t, 100.0, what="(C=100, 120 x 2)")


# -- task 2: C and the intercept ------------------------------------------------------------------


@checks.test(task=2, name="a strong and a weak penalty: C = 0.01, 0.1 and 10")
def strengths(learner, oracle):
    X, t = _base_data()
    for C in (0.01, 0.1, 10.0):
        _fit_and_check(learner, oracle, f"base-C{C:g}", X, t, C, what=f"(C={C:g}, 210 x 4)")


@checks.test(task=2, name="imbalanced classes (20 positives of 200)")
def imbalanced(learner, oracle):
    X, t = _make(4, 200, 3, noise=0.4, bias=-1.4)
    expect_true(10 <= int(t.sum()) <= 40, "internal: the imbalanced data changed")
    _fit_and_check(learner, oracle, "imbalanced", X, t, 1.0, what="(C=1, 200 x 3, imbalanced)")


@checks.test(task=2, name="shifting every feature by (20, -30, 10) only moves the intercept")
def shifted(learner, oracle):
    X, t = _make(5, 150, 3, noise=0.4)
    want = oracle("shift", lambda: _svm(X, t, 1.0))
    shift = np.array([20.0, -30.0, 10.0])
    moved = {
        "coef": want["coef"],
        "intercept": want["intercept"] - float(want["coef"] @ shift),
        "objective": want["objective"],
    }
    hint = (
        "on the same data without the shift your fit is right, so either the intercept is "
        "penalised (as scikit-learn's LinearSVC does with its constant feature; in this lab the "
        "penalty is 0.5 ||w||^2 only), or your solver struggles with features far from 0: "
        "centre X inside fit (the unpenalised intercept absorbs the shift)"
    )
    model = _fit(learner, X, t, C=1.0, what="(C=1, 150 x 3)")
    _expect_fit(model, X, t, 1.0, want, what="(C=1, 150 x 3)")
    model = _fit(learner, X + shift, t, C=1.0, what="(C=1, the same data + (20, -30, 10))")
    _expect_fit(
        model, X + shift, t, 1.0, moved, what="(C=1, the same data + (20, -30, 10))", shifted=hint
    )


# -- task 3: labels -------------------------------------------------------------------------------


def _label_case(learner, oracle, labels, *, what):
    X, t = _make(6, 150, 3, noise=0.4, offsets=np.array([2.0, 0.0, -1.0]))
    first = int(np.argmax(t == 1))
    order = np.r_[first, np.delete(np.arange(len(t)), first)]
    X, t = X[order], t[order]
    y = np.asarray(labels)[t]
    model, want = _fit_and_check(learner, oracle, "labels", X, t, 2.0, what=what, y=y)
    _expect_classes(model, y, what=what)
    X_new = X[::5] * 1.3
    score = X_new @ want["coef"] + want["intercept"]
    clear = np.abs(score) >= CLEAR
    expected = np.asarray(labels)[(score > 0).astype(int)]
    got = _as_labels(model.predict(X_new), name=f"predict {what}", n=len(X_new))
    _expect_labels(got[clear], expected[clear], name=f"predict {what} (away from the boundary)")


@checks.test(task=3, name="labels -1 and 1")
def labels_pm1(learner, oracle):
    _label_case(learner, oracle, np.array([-1, 1]), what="(labels -1/1)")


@checks.test(task=3, name="labels 3 and 7, the first sample labelled 7")
def labels_37(learner, oracle):
    _label_case(learner, oracle, np.array([3, 7]), what="(labels 3/7)")


@checks.test(task=3, name="string labels 'ham' and 'spam'")
def labels_str(learner, oracle):
    _label_case(learner, oracle, np.array(["ham", "spam"]), what="(labels ham/spam)")


# -- task 4: decision_function and predict --------------------------------------------------------


@checks.test(task=4, name="decision_function is X @ coef_[0] + intercept_[0], shape (m,)")
def decision(learner, oracle):
    X, t = _base_data()
    model = _fit(learner, X, t, C=1.0, what="(C=1, 210 x 4)")
    w, b = _fetch(model, 4, what="(C=1, 210 x 4)")
    X_new = _new_points(11, 50)
    want = X_new @ w + b
    got = model.decision_function(X_new)
    if isinstance(got, np.ndarray) and got.shape == (50, 1):
        raise CheckFailure(
            "decision_function(X_new): expected shape (50,) as in scikit-learn, got (50, 1); "
            "use X @ coef_[0] + intercept_[0] (or ravel)"
        )
    expect_array(
        got,
        want,
        name="decision_function(X_new) (must equal X @ coef_[0] + intercept_[0])",
        rtol=1e-9,
        atol=1e-9 * (1.0 + float(np.max(np.abs(want)))),
    )


@checks.test(task=4, name="predict on new data matches the oracle away from the boundary")
def predict_new(learner, oracle):
    X, t = _base_data()
    want = oracle("base-C1", lambda: _svm(X, t, 1.0))
    labels = np.array(["neg", "pos"])
    model = _fit(learner, X, labels[t], C=1.0, what="(C=1, 210 x 4, labels neg/pos)")
    X_new = _new_points(12, 80)
    score = X_new @ want["coef"] + want["intercept"]
    clear = np.abs(score) >= CLEAR
    got = _as_labels(model.predict(X_new), name="predict(X_new)", n=80)
    expected = labels[(score > 0).astype(int)]
    if got.dtype.kind in "fi" and set(np.unique(got).tolist()) <= {-1.0, 0.0, 1.0}:
        raise CheckFailure(
            "predict(X_new): got the signs -1/0/+1 instead of labels; return values taken from "
            "classes_: classes_[1] where decision_function > 0, else classes_[0]"
        )
    _expect_labels(got[clear], expected[clear], name="predict(X_new) (away from the boundary)")


def _tie_points(w, b):
    """Points whose score fl(x . w) + b is exactly 0 in floating point (one nonzero entry)."""
    rows = []
    for j in np.flatnonzero(w != 0):
        guess = -b / w[j]
        for k in range(-6, 7):
            x = guess + k * np.spacing(guess) if guess != 0 else 0.0
            point = np.zeros(len(w))
            point[j] = x
            if point @ w + b == 0.0:
                rows.append(point)
                break
    return np.array(rows)


@checks.test(
    task=4, name="predict: classes_[1] where the score is > 0; exactly 0 gives classes_[0]"
)
def ties(learner, oracle):
    X, t = _base_data()
    labels = np.array(["neg", "pos"])
    model = _fit(learner, X, labels[t], C=1.0, what="(C=1, 210 x 4, labels neg/pos)")
    w, b = _fetch(model, 4, what="(C=1, 210 x 4)")
    X_new = _new_points(13, 40)
    score = model.decision_function(X_new)
    expect_array(score, X_new @ w + b, name="decision_function(X_new)", rtol=1e-9, atol=1e-9)
    got = _as_labels(model.predict(X_new), name="predict(X_new)", n=40)
    _expect_labels(got, labels[(score > 0).astype(int)], name="predict(X_new) vs the sign rule")
    ties = _tie_points(w, b)
    if not len(ties):
        return  # no point with an exact zero score could be built for these parameters
    tie_scores = model.decision_function(ties)
    exact = ties[np.asarray(tie_scores) == 0.0] if isinstance(tie_scores, np.ndarray) else ties[:0]
    if not len(exact):
        return
    got = _as_labels(model.predict(exact), name="predict at points with score 0", n=len(exact))
    if got.tolist() != ["neg"] * len(exact):
        raise CheckFailure(
            f"predict at {len(exact)} points where decision_function is exactly 0.0: got "
            f"{got.tolist()}, expected {['neg'] * len(exact)} (classes_[0]): the convention, "
            "scikit-learn's, is classes_[1] only where the score is > 0 (not >= 0)"
        )


# -- performance ----------------------------------------------------------------------------------


def _perf_data(n, rng):
    X = rng.normal(size=(n, 5))
    score = X @ np.array([1.0, -1.0, 0.5, 0.0, 0.3]) + 0.3 + 0.5 * rng.normal(size=n)
    return X, (score > 0).astype(int)


@checks.performance(sizes=[1000, 2000, 4000, 8000, 16000])
def speed(learner, n, rng):
    X, t = _perf_data(n, rng)
    model = learner.LinearSVM(C=1.0)
    model.fit(X, t)
    model.predict(X)


def _library():
    import warnings

    from sklearn.svm import LinearSVC

    class QuietLinearSVC(LinearSVC):
        """LinearSVC with its default settings, without the convergence warnings."""

        def fit(self, X, y):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return super().fit(X, y)

    return {"LinearSVM": lambda C=1.0, max_iter=1000: QuietLinearSVC(C=C, loss="hinge")}


def _score(learner, n, rng):
    X, t = _perf_data(n, rng)
    model = learner.LinearSVM(C=1.0).fit(X, t)
    return _objective(X, _signs(t), 1.0, np.asarray(model.coef_)[0], float(model.intercept_[0]))


checks.baseline(
    _library,
    score=_score,
    note="not the same algorithm: LinearSVC runs compiled dual coordinate descent, penalises "
    "the intercept (a different objective) and stops at 1000 epochs unconverged here; score: J "
    "with the intercept unpenalised (lower is better)",
)
