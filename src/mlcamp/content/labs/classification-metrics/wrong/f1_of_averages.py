"""Wrong: macro and weighted F1 are the harmonic mean of the averaged precision and recall."""

import numpy as np


def _label_positions(y, labels):
    """Row index of each entry of y in `labels`, and whether the entry is one of the labels."""
    order = np.argsort(labels, kind="stable")
    ordered = labels[order]
    # Binary search in the sorted labels, then map back to the caller's order.
    slot = np.minimum(np.searchsorted(ordered, y), len(labels) - 1)
    return order[slot], ordered[slot] == y


def _counts(y_true, y_pred, labels=None):
    """The labels in matrix order and the confusion matrix (rows true, columns predicted)."""
    y_true = np.asarray(y_true)
    y_pred = np.asarray(y_pred)
    if y_true.shape != y_pred.shape or y_true.ndim != 1:
        raise ValueError(
            f"y_true and y_pred must be 1-D of one length: {y_true.shape}, {y_pred.shape}"
        )
    # The classes: the given list, or every label seen in either array, sorted (np.unique sorts).
    if labels is None:
        labels = np.unique(np.concatenate([y_true, y_pred]))
    labels = np.asarray(labels)
    k = len(labels)
    if k == 0:
        return labels, np.zeros((0, 0), dtype=np.int64)
    true_row, true_known = _label_positions(y_true, labels)
    pred_col, pred_known = _label_positions(y_pred, labels)
    # Samples whose true or predicted label is not among `labels` are not counted.
    keep = true_known & pred_known
    # Pair (true i, predicted j) gets the flat index i * k + j; count each pair at once.
    flat = np.bincount(true_row[keep] * k + pred_col[keep], minlength=k * k)
    return labels, flat.reshape(k, k).astype(np.int64)


def confusion_matrix(y_true, y_pred, labels=None):
    """C[i, j] = number of samples with true label labels[i] and predicted label labels[j]."""
    return _counts(y_true, y_pred, labels)[1]


def _ratio(numerator, denominator, zero_division):
    """numerator / denominator, with zero_division wherever the denominator is 0."""
    numerator = np.asarray(numerator, dtype=float)
    denominator = np.asarray(denominator, dtype=float)
    safe = np.where(denominator > 0, denominator, 1.0)
    return np.where(denominator > 0, numerator / safe, float(zero_division))


def _scores(tp, fp, fn, zero_division):
    """Precision, recall and F1 from the counts (arrays or scalars)."""
    precision = _ratio(tp, tp + fp, zero_division)
    recall = _ratio(tp, tp + fn, zero_division)
    # F1 = harmonic mean of P and R = 2 TP / (2 TP + FP + FN): defined unless all three are 0.
    f1 = _ratio(2 * tp, 2 * tp + fp + fn, zero_division)
    return precision, recall, f1


def precision_recall_f1(y_true, y_pred, average="binary", zero_division=0, pos_label=1):
    """(precision, recall, f1) as floats, for one class or averaged over the classes."""
    labels, C = _counts(y_true, y_pred)
    # Per class: TP on the diagonal, FP = rest of its column, FN = rest of its row.
    tp = np.diag(C)
    fp = C.sum(axis=0) - tp
    fn = C.sum(axis=1) - tp
    if average == "binary":
        if len(labels) > 2:
            raise ValueError(f"average='binary' needs at most two labels, got {labels.tolist()}")
        hit = np.flatnonzero(labels == pos_label)
        if len(hit) == 0 and len(labels) == 2:
            raise ValueError(f"pos_label={pos_label!r} is not one of the labels {labels.tolist()}")
        # An absent positive class has TP = FP = FN = 0: every ratio is undefined.
        tp, fp, fn = (int(a[hit[0]]) if len(hit) else 0 for a in (tp, fp, fn))
        result = _scores(tp, fp, fn, zero_division)
    elif average == "micro":
        # Pool the counts of all classes, then apply the formulas once.
        result = _scores(tp.sum(), fp.sum(), fn.sum(), zero_division)
    elif average in ("macro", "weighted"):
        per_class = _scores(tp, fp, fn, zero_division)
        support = tp + fn
        # Macro: every class counts the same; weighted: each class by its number of true samples.
        weights = np.ones(len(labels)) if average == "macro" else support.astype(float)
        p, r = (np.sum(weights * s) / np.sum(weights) for s in per_class[:2])
        # F1 from the averaged precision and recall.
        result = (p, r, 2 * p * r / (p + r) if p + r > 0 else 0.0)
    else:
        raise ValueError(f"unknown average {average!r}")
    return tuple(float(value) for value in result)


def roc_auc(y_true, scores):
    """Area under the ROC curve = P(score of a positive > score of a negative), ties count 1/2."""
    y_true = np.asarray(y_true)
    scores = np.asarray(scores, dtype=float)
    classes = np.unique(y_true)
    if len(classes) != 2:
        raise ValueError(f"ROC AUC needs exactly two classes in y_true, got {classes.tolist()}")
    # The larger label (sorted last) is the positive class.
    positive = y_true == classes[1]
    n_pos = int(positive.sum())
    n_neg = len(y_true) - n_pos
    # Sort the scores; runs of equal scores are blocks of ties.
    order = np.argsort(scores, kind="stable")
    ordered = scores[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    ends = np.r_[starts[1:], len(ordered)]
    # Every member of a block gets the mean of the 1-based ranks starts+1 .. ends.
    block_rank = (starts + 1 + ends) / 2.0
    positives_in_block = np.add.reduceat(positive[order].astype(np.int64), starts)
    # Mann-Whitney: U = (sum of the positives' ranks) - n_pos (n_pos + 1) / 2, AUC = U / (P N).
    rank_sum = float(np.dot(positives_in_block, block_rank))
    return (rank_sum - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg)
