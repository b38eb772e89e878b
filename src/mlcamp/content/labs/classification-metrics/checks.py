"""Checks for classification-metrics: scikit-learn's `confusion_matrix`,
`precision_recall_fscore_support` and `roc_auc_score` are the oracle.

Every expected value comes from scikit-learn on the same labels. When a result is off, the checks
compare it with the results of the usual mistakes (a transposed matrix, labels in order of first
appearance, macro F1 computed from the averaged precision and recall, weights from predicted
counts, ties counted as losses, the positive class flipped, ...) and name the one that matches.
Those alternatives are computed here from scikit-learn's per-class values or by brute force over
all positive-negative pairs, never from the lab's reference.
"""

import numpy as np

from mlcamp.labs.checking import LabChecks, LearnerError
from mlcamp.labs.compare import CheckFailure, describe, expect_array, expect_scalar

checks = LabChecks()

RTOL = 1e-12
ATOL = 1e-12
"""Precision, recall, F1 and AUC are ratios of counts: only rounding separates right answers."""

MATCH = 1e-9
"""How close a wrong result must be to a known mistake's result for the message to name it."""


# -- data -----------------------------------------------------------------------------------------


def _multiclass(seed, n, weights, accuracy, predict_weights=None):
    """True labels 0..k-1 drawn with `weights`; a prediction is right with prob. `accuracy`,
    otherwise a label drawn from `predict_weights` (which may never pick some class)."""
    rng = np.random.default_rng(seed)
    k = len(weights)
    y_true = rng.choice(k, size=n, p=np.asarray(weights) / np.sum(weights))
    guess_p = np.asarray(predict_weights if predict_weights is not None else weights, float)
    guesses = rng.choice(k, size=n, p=guess_p / guess_p.sum())
    right = rng.random(n) < accuracy
    return y_true, np.where(right, y_true, guesses)


def _binary(seed, n, rate, accuracy):
    """0/1 labels with a fraction `rate` of positives; each prediction right with `accuracy`."""
    rng = np.random.default_rng(seed)
    y_true = (rng.random(n) < rate).astype(int)
    flip = rng.random(n) >= accuracy
    return y_true, np.where(flip, 1 - y_true, y_true)


def _scores(seed, y, separation, decimals=None):
    """Scores higher on average for the positives; rounded to make ties when asked."""
    rng = np.random.default_rng(seed)
    s = rng.normal(size=len(y)) + separation * (np.asarray(y) == np.max(y))
    return np.round(s, decimals) if decimals is not None else s


# -- oracle ---------------------------------------------------------------------------------------


def _sk_confusion(y_true, y_pred, labels=None):
    from sklearn.metrics import confusion_matrix

    return confusion_matrix(y_true, y_pred, labels=labels).astype(np.int64)


def _sk_prf(y_true, y_pred, average, zero_division=0, pos_label=1, labels=None):
    from sklearn.metrics import precision_recall_fscore_support

    p, r, f, _ = precision_recall_fscore_support(
        y_true,
        y_pred,
        average=average,
        zero_division=zero_division,
        pos_label=pos_label,
        labels=labels,
    )
    return np.asarray([p, r, f], dtype=float)


def _sk_average_case(y_true, y_pred, average, zero_division):
    """The expected triple, and the triples of the usual mistakes for this average."""
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    labels = np.unique(np.concatenate([y_true, y_pred]))
    out = {
        "want": _sk_prf(y_true, y_pred, average, zero_division),
        "other_zero": _sk_prf(y_true, y_pred, average, 1 - zero_division),
        # Per-class values over the sorted union of labels, for the weighting mistakes.
        "per_class": _sk_prf(y_true, y_pred, None, zero_division, labels=labels),
        "support": np.asarray([np.sum(y_true == c) for c in labels], dtype=float),
        "predicted": np.asarray([np.sum(y_pred == c) for c in labels], dtype=float),
    }
    true_labels = np.unique(y_true)
    if len(true_labels) < len(labels) and average != "micro":
        out["true_only"] = _sk_prf(y_true, y_pred, average, zero_division, labels=true_labels)
    return out


def _sk_auc(y_true, scores):
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y_true, scores))


# -- comparisons ----------------------------------------------------------------------------------


def _pair_counts(y_true, scores):
    """Brute force over all positive-negative pairs: (wins, ties) of the positives."""
    y_true = np.asarray(y_true)
    positive = y_true == np.unique(y_true)[-1]
    s_pos = np.asarray(scores, dtype=float)[positive][:, None]
    s_neg = np.asarray(scores, dtype=float)[~positive][None, :]
    return int(np.sum(s_pos > s_neg)), int(np.sum(s_pos == s_neg)), s_pos.size * s_neg.size


def _as_triple(got, name):
    if isinstance(got, np.ndarray) and got.shape == (3,):
        got = tuple(got.tolist())
    if not isinstance(got, tuple | list) or len(got) != 3:
        raise CheckFailure(
            f"{name}: expected a tuple (precision, recall, f1) of three floats, got "
            f"{describe(got)}" + (f" of length {len(got)}" if isinstance(got, tuple | list) else "")
        )
    for label, value in zip(("precision", "recall", "f1"), got, strict=True):
        if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
            raise CheckFailure(f"{name}: {label} should be a float, got {describe(value)}")
    return np.asarray([float(v) for v in got])


def _expect_triple(got, want, *, name, alternatives=(), counts=""):
    """Compare (precision, recall, f1); on a mismatch, name the known mistake that matches.

    `counts` (e.g. "TP=3, FP=0, FN=2") is added to every failure message when given."""
    values = _as_triple(got, name)
    want = np.asarray(want, dtype=float)
    try:
        for i, label in enumerate(("precision", "recall", "f1")):
            expect_scalar(values[i], float(want[i]), name=f"{name}: {label}", rtol=RTOL, atol=ATOL)
    except CheckFailure as failure:
        if counts:
            failure = CheckFailure(f"{failure} [{counts}]")
        for triple, meaning in alternatives:
            if triple is not None and np.all(np.abs(values - np.asarray(triple)) <= MATCH):
                raise CheckFailure(f"{failure}; {meaning}") from None
        for i, j in ((0, 1), (1, 2), (0, 2)):
            swapped = values.copy()
            swapped[[i, j]] = swapped[[j, i]]
            if np.all(np.abs(swapped - want) <= MATCH):
                raise CheckFailure(
                    f"{failure}; the values are right but in the wrong order: return "
                    "(precision, recall, f1). Precision divides TP by the predicted positives "
                    "(TP + FP), recall by the actual positives (TP + FN)"
                ) from None
        raise


def _average_alternatives(case, average, zero_division):
    """The triples of the known mistakes for one averaged case, with their explanations."""
    per_class = np.asarray(case["per_class"])
    support = np.asarray(case["support"])
    predicted = np.asarray(case["predicted"])
    want = np.asarray(case["want"])
    out = []

    def harmonic(p, r):
        return 2 * p * r / (p + r) if p + r > 0 else 0.0

    if average in ("macro", "weighted"):
        out.append(
            (
                [want[0], want[1], harmonic(want[0], want[1])],
                f"your F1 is the harmonic mean of the {average} precision and recall. "
                f"{average.capitalize()} F1 is the {average} mean of the per-class F1 scores: "
                "compute F1 for each class first, then average",
            )
        )
    if average == "weighted":
        if predicted.sum() > 0:
            out.append(
                (
                    per_class @ predicted / predicted.sum(),
                    "looks like the classes were weighted by how often they are PREDICTED; "
                    "the weights are the supports, the number of TRUE samples of each class",
                )
            )
        out.append(
            (
                per_class.mean(axis=1),
                "these are the macro averages (every class weighted the same); 'weighted' "
                "weights each class by its support, the number of true samples in it",
            )
        )
    if average == "macro":
        out.append(
            (
                per_class @ support / support.sum(),
                "these are the support-weighted averages; 'macro' gives every class the same "
                "weight",
            )
        )
    if average == "micro":
        out.append(
            (
                per_class.mean(axis=1),
                "these are the macro averages; 'micro' first adds up TP, FP and FN over all "
                "classes, then computes precision, recall and F1 once from those totals",
            )
        )
    if "true_only" in case:
        out.append(
            (
                case["true_only"],
                "looks like the classes were taken from y_true only; a label that appears only "
                "in y_pred is a class too (its recall is undefined, its precision is 0), so the "
                "classes are the sorted union of the labels in y_true and y_pred",
            )
        )
    out.append(
        (
            case["other_zero"],
            f"these are the values for zero_division={1 - zero_division}: a ratio whose "
            f"denominator is 0 must be zero_division={zero_division}",
        )
    )
    return [(triple, meaning) for triple, meaning in out if triple is not None]


def _check_average(learner, oracle, key, y_true, y_pred, average, zero_division=0, *, what):
    case = oracle(key, lambda: _sk_average_case(y_true, y_pred, average, zero_division))
    got = learner.precision_recall_f1(y_true, y_pred, average=average, zero_division=zero_division)
    _expect_triple(
        got,
        case["want"],
        name=f"precision_recall_f1(average={average!r}, zero_division={zero_division}) on {what}",
        alternatives=_average_alternatives(case, average, zero_division),
    )


def _first_appearance(y_true, y_pred):
    labels = []
    for value in np.concatenate([np.asarray(y_true), np.asarray(y_pred)]).tolist():
        if value not in labels:
            labels.append(value)
    return labels


def _expect_confusion(got, want, *, name, labels, y_true=None, y_pred=None):
    """Integer counts, rows true and columns predicted, labels in the stated order."""
    want = np.asarray(want)
    labels = list(labels)
    if isinstance(got, np.ndarray) and got.ndim == 2 and got.shape != want.shape:
        hint = ""
        if y_true is not None and got.shape == (len(np.unique(y_true)),) * 2:
            hint = (
                "; that is the number of labels in y_true only: a label that appears only in "
                "y_pred still gets a row and a column"
            )
        elif got.shape[0] > want.shape[0]:
            hint = (
                "; looks like the labels were used as row positions: map each label to its "
                "index in the sorted list of labels (np.unique(..., return_inverse=True) or "
                "np.searchsorted)"
            )
        raise CheckFailure(
            f"{name}: expected shape {want.shape} (one row and column per label, labels "
            f"{labels}), got {got.shape}{hint}"
        )
    try:
        expect_array(got, want, name=name, integer=True)
    except CheckFailure as failure:
        if isinstance(got, np.ndarray) and got.shape == want.shape:
            if np.array_equal(got, want.T) and not np.array_equal(want, want.T):
                raise CheckFailure(
                    f"{failure}; your matrix is the transpose of the expected one: rows are the "
                    "TRUE labels and columns the PREDICTED ones, C[i, j] counts samples of true "
                    "class labels[i] predicted as labels[j]"
                ) from None
            if y_true is not None and got.dtype.kind in "biuf":
                seen = _first_appearance(y_true, y_pred)
                if sorted(seen) == labels and seen != labels:
                    perm = [labels.index(v) for v in seen]
                    if np.array_equal(got, want[np.ix_(perm, perm)]):
                        raise CheckFailure(
                            f"{failure}; your rows follow the order in which the labels first "
                            f"appear ({seen}); they must follow the sorted labels {labels}"
                        ) from None
            if got.dtype.kind == "f" and np.array_equal(got, want):
                raise CheckFailure(
                    f"{name}: the counts are right but of dtype {got.dtype}; counts are integers: "
                    "build the matrix with dtype=int (np.zeros((k, k), dtype=int), np.bincount)"
                ) from None
        raise


def _expect_auc(got, want, y_true, scores, *, name):
    try:
        expect_scalar(got, want, name=name, rtol=RTOL, atol=ATOL)
    except CheckFailure as failure:
        if isinstance(got, bool) or not isinstance(got, int | float | np.integer | np.floating):
            raise
        value = float(got)
        wins, ties, pairs = _pair_counts(y_true, scores)
        if ties and abs(value - wins / pairs) <= MATCH:
            raise CheckFailure(
                f"{failure}; that is the share of pairs with score(positive) > "
                f"score(negative), with the {ties} tied pairs counted as 0: a tie counts 1/2 "
                "(use average ranks for tied scores)"
            ) from None
        if ties and abs(value - (wins + ties) / pairs) <= MATCH:
            raise CheckFailure(
                f"{failure}; that counts the {ties} tied pairs as wins (>=): a tie counts 1/2"
            ) from None
        if abs(value - (1.0 - want)) <= MATCH:
            raise CheckFailure(
                f"{failure}; that is 1 - AUC: the positive class is the LARGER of the two labels "
                f"({np.unique(y_true)[-1]!r} here), and higher scores mean more positive"
            ) from None
        if ties and wins / pairs < value < (wins + ties) / pairs:
            raise CheckFailure(
                f"{failure}; your value lies between the strict (> only) and the tie-inclusive "
                "(>=) counts, so the ties are handled, but not as exactly 1/2 each: give tied "
                "scores the AVERAGE of the ranks they occupy, whatever their order in the input"
            ) from None
        raise


def _expect_value_error(call, *, name, what, allow_nan=False):
    """The learner must raise ValueError (or, when allowed, return NaN)."""
    try:
        got = call()
    except LearnerError as error:
        if error.exception_type == "ValueError":
            return
        if not error.exception_type or error.kind == "not_implemented":
            raise
        raise CheckFailure(
            f"{name}: {what}, so raise ValueError with a clear message; your code raised "
            f"{error.exception_type}: {error.message.splitlines()[-1][:300]}"
        ) from None
    if allow_nan and isinstance(got, float | np.floating) and np.isnan(got):
        return
    raise CheckFailure(
        f"{name}: {what}, so raise ValueError"
        + (" (or return NaN)" if allow_nan else "")
        + f"; your code returned {got!r}"
    )


# -- task 1: the confusion matrix -----------------------------------------------------------------


@checks.test(task=1, name="labels 0/1/2: rows are true labels, columns predicted")
def confusion_basic(learner, oracle):
    y_true, y_pred = _multiclass(1, 60, [0.5, 0.3, 0.2], 0.6, [0.2, 0.5, 0.3])
    want = oracle("cm-basic", lambda: _sk_confusion(y_true, y_pred))
    _expect_confusion(
        learner.confusion_matrix(y_true, y_pred),
        want,
        name="confusion_matrix on 60 samples, labels 0/1/2",
        labels=[0, 1, 2],
        y_true=y_true,
        y_pred=y_pred,
    )


@checks.test(task=1, name="string labels (sorted order), one label only in the predictions")
def confusion_strings(learner, oracle):
    rng = np.random.default_rng(2)
    names = np.array(["dog", "cat", "bird"])
    y_true = names[rng.choice(3, size=40, p=[0.45, 0.35, 0.2])].tolist()
    y_true[0] = "dog"  # the first label seen is not the smallest
    y_pred = [t if rng.random() < 0.6 else str(rng.choice(["dog", "emu", "bird"])) for t in y_true]
    want = oracle("cm-strings", lambda: _sk_confusion(y_true, y_pred))
    _expect_confusion(
        learner.confusion_matrix(y_true, y_pred),
        want,
        name="confusion_matrix with labels 'bird'/'cat'/'dog'/'emu' ('emu' only predicted)",
        labels=["bird", "cat", "dog", "emu"],
        y_true=y_true,
        y_pred=y_pred,
    )


@checks.test(task=1, name="integer labels that are not 0..k-1 (-1, 3, 7, 10), as lists")
def confusion_sparse_labels(learner, oracle):
    values = np.array([10, -1, 7, 3])
    y_true, y_pred = _multiclass(3, 50, [0.3, 0.3, 0.2, 0.2], 0.5)
    y_true, y_pred = values[y_true].tolist(), values[y_pred].tolist()
    want = oracle("cm-sparse", lambda: _sk_confusion(y_true, y_pred))
    _expect_confusion(
        learner.confusion_matrix(y_true, y_pred),
        want,
        name="confusion_matrix with labels -1/3/7/10",
        labels=[-1, 3, 7, 10],
        y_true=y_true,
        y_pred=y_pred,
    )


@checks.test(task=1, name="the labels argument: its order, an absent label, a left-out label")
def confusion_labels_argument(learner, oracle):
    y_true, y_pred = _multiclass(4, 45, [0.4, 0.35, 0.25], 0.55)
    for labels, what in (
        ([2, 0, 1], "a given order"),
        ([1, 5, 0, 2], "label 5, absent from the data"),
        ([2, 0], "label 1 left out: samples with true or predicted label 1 are not counted"),
    ):
        want = oracle(
            f"cm-labels-{labels}", lambda labels=labels: _sk_confusion(y_true, y_pred, labels)
        )
        got = learner.confusion_matrix(y_true, y_pred, labels=labels)
        _expect_confusion(
            got, want, name=f"confusion_matrix(..., labels={labels}) ({what})", labels=labels
        )


# -- task 2: one class: precision, recall, F1 -----------------------------------------------------


def _binary_alternatives(oracle, key, y_true, y_pred, pos_label, zero_division, other_label):
    flipped = oracle(
        f"{key}-other-class",
        lambda: _sk_prf(y_true, y_pred, "binary", zero_division, pos_label=other_label),
    )
    other_zero = oracle(
        f"{key}-other-zero",
        lambda: _sk_prf(y_true, y_pred, "binary", 1 - zero_division, pos_label=pos_label),
    )
    return [
        (
            flipped,
            f"these are the values for the class {other_label!r}: the positive class is "
            f"pos_label={pos_label!r}",
        ),
        (
            other_zero,
            f"these are the values for zero_division={1 - zero_division}: an undefined ratio "
            f"must be zero_division={zero_division}",
        ),
    ]


def _check_binary(learner, oracle, key, y_true, y_pred, *, pos_label, other, zero_division, what):
    want = oracle(key, lambda: _sk_prf(y_true, y_pred, "binary", zero_division, pos_label))
    kwargs = {"average": "binary", "zero_division": zero_division}
    if pos_label != 1:
        kwargs["pos_label"] = pos_label
    got = learner.precision_recall_f1(y_true, y_pred, **kwargs)
    alternatives = _binary_alternatives(
        oracle, key, y_true, y_pred, pos_label, zero_division, other
    )
    t = np.asarray(y_true) == pos_label
    p = np.asarray(y_pred) == pos_label
    _expect_triple(
        got,
        want,
        name=f"precision_recall_f1 on {what} (pos_label={pos_label!r}, "
        f"zero_division={zero_division})",
        alternatives=alternatives,
        counts=f"for pos_label={pos_label!r}: TP={np.sum(t & p)}, FP={np.sum(~t & p)}, "
        f"FN={np.sum(t & ~p)}",
    )


@checks.test(task=2, name="labels 0/1, 20% positives, pos_label=1 (the default)")
def binary_default(learner, oracle):
    y_true, y_pred = _binary(5, 200, 0.2, 0.8)
    _check_binary(
        learner,
        oracle,
        "bin-default",
        y_true,
        y_pred,
        pos_label=1,
        other=0,
        zero_division=0,
        what="200 samples",
    )


@checks.test(task=2, name="pos_label=0, and string labels with pos_label='spam'")
def binary_pos_label(learner, oracle):
    y_true, y_pred = _binary(6, 120, 0.3, 0.75)
    _check_binary(
        learner,
        oracle,
        "bin-pos0",
        y_true,
        y_pred,
        pos_label=0,
        other=1,
        zero_division=0,
        what="labels 0/1",
    )
    names = np.array(["ham", "spam"])
    t, p = _binary(7, 90, 0.4, 0.7)
    y_true, y_pred = names[t].tolist(), names[p].tolist()
    _check_binary(
        learner,
        oracle,
        "bin-spam",
        y_true,
        y_pred,
        pos_label="spam",
        other="ham",
        zero_division=0,
        what="labels 'ham'/'spam'",
    )


@checks.test(task=2, name="undefined ratios: no predicted positives, no positives, all correct")
def binary_zero_division(learner, oracle):
    cases = [
        ([0, 1, 1, 0, 0, 1], [0, 0, 0, 0, 0, 0], "nothing predicted positive"),
        ([0, 0, 0, 0, 0], [0, 1, 0, 1, 0], "no actual positives"),
        ([0, 0, 0, 0], [0, 0, 0, 0], "no positives at all"),
        ([1, 0, 1, 1, 0], [1, 0, 1, 1, 0], "all correct"),
    ]
    for y_true, y_pred, what in cases:
        for zero_division in (0, 1):
            _check_binary(
                learner,
                oracle,
                f"bin-zero-{what}-{zero_division}",
                y_true,
                y_pred,
                pos_label=1,
                other=0,
                zero_division=zero_division,
                what=f"y_true={y_true}, y_pred={y_pred} ({what})",
            )


@checks.test(task=2, name="average='binary' with three labels raises ValueError")
def binary_too_many(learner, oracle):
    y_true, y_pred = [0, 1, 2, 1, 0], [0, 1, 1, 2, 0]
    _expect_value_error(
        lambda: learner.precision_recall_f1(y_true, y_pred, average="binary"),
        name="precision_recall_f1([0, 1, 2, 1, 0], [0, 1, 1, 2, 0], average='binary')",
        what="'binary' is only defined for at most two labels and these have three",
    )


# -- task 3: averaging over classes ---------------------------------------------------------------


@checks.test(task=3, name="macro over 4 imbalanced classes, one class never predicted")
def macro(learner, oracle):
    y_true, y_pred = _multiclass(8, 150, [0.5, 0.25, 0.15, 0.1], 0.55, [0.5, 0.3, 0.2, 0.0])
    for zero_division in (0, 1):
        _check_average(
            learner,
            oracle,
            f"macro-{zero_division}",
            y_true,
            y_pred,
            "macro",
            zero_division,
            what="150 samples, 4 classes, class 3 never predicted",
        )


@checks.test(task=3, name="weighted: each class weighted by its support (true count)")
def weighted(learner, oracle):
    y_true, y_pred = _multiclass(9, 200, [0.6, 0.25, 0.1, 0.05], 0.5, [0.1, 0.2, 0.3, 0.4])
    _check_average(
        learner,
        oracle,
        "weighted",
        y_true,
        y_pred,
        "weighted",
        0,
        what="200 samples, supports far from the predicted counts",
    )


@checks.test(task=3, name="micro: pool TP, FP and FN of all classes")
def micro(learner, oracle):
    y_true, y_pred = _multiclass(10, 180, [0.55, 0.3, 0.15], 0.6, [0.2, 0.3, 0.5])
    _check_average(learner, oracle, "micro", y_true, y_pred, "micro", 0, what="180 samples")


@checks.test(
    task=3, name="string labels, a label only in y_pred: every average, both zero_division"
)
def averages_extra_label(learner, oracle):
    rng = np.random.default_rng(11)
    y_true = rng.choice(["low", "mid", "high"], size=70, p=[0.5, 0.3, 0.2])
    y_pred = np.where(rng.random(70) < 0.6, y_true, rng.choice(["low", "mid", "zero"], size=70))
    y_true, y_pred = y_true.tolist(), y_pred.tolist()
    for average in ("macro", "weighted", "micro"):
        for zero_division in (0, 1):
            _check_average(
                learner,
                oracle,
                f"extra-{average}-{zero_division}",
                y_true,
                y_pred,
                average,
                zero_division,
                what="labels high/low/mid, 'zero' only predicted",
            )


@checks.test(task=3, name="all correct: every average gives (1, 1, 1)")
def all_correct(learner, oracle):
    y = [2, 0, 1, 1, 2, 0, 0, 2]
    for average in ("macro", "weighted", "micro"):
        got = learner.precision_recall_f1(y, y, average=average)
        _expect_triple(got, [1.0, 1.0, 1.0], name=f"precision_recall_f1(y, y, average={average!r})")


# -- task 4: ROC AUC ------------------------------------------------------------------------------


def _check_auc(learner, oracle, key, y_true, scores, *, what):
    want = oracle(key, lambda: _sk_auc(y_true, scores))
    _expect_auc(learner.roc_auc(y_true, scores), want, y_true, scores, name=f"roc_auc on {what}")


@checks.test(task=4, name="continuous scores without ties, 25% positives")
def auc_continuous(learner, oracle):
    y_true, _ = _binary(12, 160, 0.25, 1.0)
    scores = _scores(13, y_true, 1.2)
    _check_auc(learner, oracle, "auc-plain", y_true, scores, what="160 scores without ties")


@checks.test(task=4, name="heavy ties: scores rounded to one decimal, and integer scores")
def auc_ties(learner, oracle):
    y_true, _ = _binary(14, 300, 0.3, 1.0)
    scores = _scores(15, y_true, 0.8, decimals=1)
    _check_auc(learner, oracle, "auc-ties", y_true, scores, what="300 scores with 1 decimal")
    rng = np.random.default_rng(16)
    y_true = (rng.random(80) < 0.5).astype(int)
    scores = rng.integers(0, 4, size=80) + y_true * rng.integers(0, 2, size=80)
    _check_auc(learner, oracle, "auc-int", y_true, scores, what="80 integer scores in 0..4")


@checks.test(task=4, name="constant scores give 0.5; perfect and reversed rankings give 1 and 0")
def auc_extremes(learner, oracle):
    y_true = np.array([0, 1, 1, 0, 1, 0, 0])
    cases = (
        (np.full(7, 0.3), 0.5, "constant scores"),
        (y_true * 2.0 + 0.1, 1.0, "scores that rank every positive first"),
        (-y_true * 2.0 + 0.1, 0.0, "scores that rank every positive last"),
    )
    for scores, want, what in cases:
        _expect_auc(
            learner.roc_auc(y_true, scores), want, y_true, scores, name=f"roc_auc with {what}"
        )


@checks.test(task=4, name="labels -1/1, booleans and strings: the larger label is positive")
def auc_labels(learner, oracle):
    t, _ = _binary(17, 90, 0.4, 1.0)
    scores = _scores(18, t, 1.0, decimals=1)
    for key, y_true, what in (
        ("pm1", np.where(t == 1, 1, -1), "labels -1/1"),
        ("bool", t.astype(bool), "boolean labels"),
        ("str", np.where(t == 1, "yes", "no").tolist(), "labels 'no'/'yes' ('yes' positive)"),
    ):
        _check_auc(learner, oracle, f"auc-{key}", y_true, scores, what=what)


@checks.test(task=4, name="only one class in y_true: ValueError (or NaN)")
def auc_one_class(learner, oracle):
    _expect_value_error(
        lambda: learner.roc_auc([1, 1, 1, 1], [0.2, 0.4, 0.1, 0.9]),
        name="roc_auc([1, 1, 1, 1], ...)",
        what="with no negatives there is no pair to rank and the AUC is undefined",
        allow_nan=True,
    )


# -- performance ----------------------------------------------------------------------------------


@checks.performance(sizes=[4000, 8000, 16000, 32000, 64000])
def speed(learner, n, rng):
    y_true = rng.integers(0, 5, size=n)
    y_pred = np.where(rng.random(n) < 0.7, y_true, rng.integers(0, 5, size=n))
    learner.confusion_matrix(y_true, y_pred)
    learner.precision_recall_f1(y_true, y_pred, average="macro")
    binary = (y_true == 0).astype(int)
    learner.roc_auc(binary, np.round(rng.normal(size=n) + binary, 2))


def _library():
    from sklearn.metrics import confusion_matrix, precision_recall_fscore_support, roc_auc_score

    def precision_recall_f1(y_true, y_pred, average="binary", zero_division=0, pos_label=1):
        return precision_recall_fscore_support(
            y_true, y_pred, average=average, zero_division=zero_division, pos_label=pos_label
        )[:3]

    return {
        "confusion_matrix": confusion_matrix,
        "precision_recall_f1": precision_recall_f1,
        "roc_auc": roc_auc_score,
    }


def _score(learner, n, rng):
    """The AUC of the performance case's kind of data (scores with ties)."""
    binary = (rng.random(n) < 0.2).astype(int)
    return float(learner.roc_auc(binary, np.round(rng.normal(size=n) + binary, 2)))


checks.baseline(
    _library,
    score=_score,
    note="scikit-learn's confusion_matrix, precision_recall_fscore_support (first three values) "
    "and roc_auc_score",
)
