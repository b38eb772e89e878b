"""Lab: classification metrics. See README.md for the definitions, the conventions and the tasks."""

import numpy as np  # noqa: F401 (you will need it)


def confusion_matrix(y_true, y_pred, labels=None):
    """Count how often each true label was predicted as each label.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n,)
        Labels of any kind that NumPy can sort: integers, booleans or strings.
    labels : array-like of shape (k,) or None
        The labels and their order. None means every label seen in y_true or y_pred, sorted.
        Samples whose true or predicted label is not in `labels` are not counted.

    Returns
    -------
    C : ndarray of shape (k, k), integer dtype
        C[i, j] = number of samples whose TRUE label is labels[i] and whose PREDICTED label is
        labels[j].
    """
    raise NotImplementedError


def precision_recall_f1(y_true, y_pred, average="binary", zero_division=0, pos_label=1):
    """Precision, recall and F1, for the class pos_label or averaged over all classes.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (n,)
    average : "binary", "macro", "micro" or "weighted"
        "binary": the scores of the class pos_label only (at most two labels allowed, else
        ValueError). The others average over every label seen in y_true or y_pred.
    zero_division : 0 or 1
        The value of any ratio whose denominator is 0.
    pos_label : the positive class for average="binary" (ignored otherwise).

    Returns
    -------
    (precision, recall, f1) : tuple of three floats
    """
    raise NotImplementedError


def roc_auc(y_true, scores):
    """Area under the ROC curve: the probability that a random positive scores higher than a
    random negative, ties counting 1/2.

    Parameters
    ----------
    y_true : array-like of shape (n,) with exactly two distinct labels; the larger one (sorted
        last) is the positive class.
    scores : array-like of shape (n,), higher means more likely positive.

    Returns
    -------
    auc : float in [0, 1]. With only one class in y_true, raise ValueError (or return NaN).
    """
    raise NotImplementedError
