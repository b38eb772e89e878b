"""Fewer round trips, same answers: attributes sent along with another read, and methods and
functions called by name, never show the checks anything Python itself would not."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from mlcamp.grader.session import Learner, LearnerMissing, LocalChannel, Session
from mlcamp.labs.checking import LearnerError

SOURCE = textwrap.dedent(
    """
    import numpy as np

    class Model:
        def __init__(self, scale=1.0):
            self.scale = scale

        def fit(self, X):
            self.mean_ = np.asarray(X, dtype=float).mean(axis=0) * self.scale
            self.n_fits_ = getattr(self, "n_fits_", 0) + 1
            self.label_ = "fitted"
            return self

        def predict(self, X):
            return np.asarray(X, dtype=float) - self.mean_

        def patch(self):
            self.predict = lambda X: "patched"

        @property
        def reads_(self):
            self.n_fits_ = -1  # a property that changes another attribute
            return 0

    class Odd:
        def __getattribute__(self, name):
            return 7

    class Shadowed:
        def __init__(self):
            self.__dict__["value_"] = "from the dictionary"
            self.other_ = 1

        @property
        def value_(self):
            return "from the property"

    def another_model():
        class Model:  # another class of the same name, without fit
            pass

        return Model()

    class Broken:
        def fit(self, X):
            return self.never_set_  # an AttributeError inside the method

    def double(x):
        return 2 * x

    def swap():
        global double
        double = lambda x: 3 * x

    def apply(function, x):
        return function(x)

    calls = []

    def scale_in_place(x):
        calls.append(float(x[0]))
        x *= 2.0  # changes its input: every timed run must still get the original
        return x

    def runs_seen():
        return list(calls)

    def slow():
        import time

        calls.append(-1.0)
        time.sleep(0.05)
    """
)


@pytest.fixture
def learner() -> Learner:
    session = Session(LocalChannel(), timeout=10.0)
    reply = session.channel.request(
        {"op": "load", "source": SOURCE, "filename": "m.py", "module": "m", "entry_points": []},
        [],
        10.0,
    )
    assert reply[0]["ok"], reply
    return Learner(session, "m")


def _requests(learner: Learner) -> int:
    return learner._session.requests


def test_attributes_sent_along_are_read_without_a_request(learner: Learner) -> None:
    model = learner.Model(2.0).fit([[1.0, 2.0], [3.0, 4.0]])
    model.predict([[0.0, 0.0]])  # returns an array: the model's attributes must be read again
    before = _requests(learner)
    assert np.array_equal(model.mean_, [4.0, 6.0])
    assert model.n_fits_ == 1 and model.label_ == "fitted" and model.scale == 2.0
    assert _requests(learner) == before + 1  # one read brought the others along


def test_a_call_returning_an_object_brings_its_attributes_along(learner: Learner) -> None:
    learner.Model().fit([[0.0, 0.0]])  # `fit` is known as a method of Model from now on
    before = _requests(learner)
    model = learner.Model(2.0)
    assert model.scale == 2.0
    assert _requests(learner) == before + 1  # the constructor's call alone
    fitted = model.fit([[1.0, 2.0], [3.0, 4.0]])
    assert np.array_equal(fitted.mean_, [4.0, 6.0]) and fitted.n_fits_ == 1
    assert _requests(learner) == before + 2  # and the call of fit
    fitted.fit([[0.0, 0.0], [2.0, 2.0]])
    assert fitted.n_fits_ == 2 and np.array_equal(fitted.mean_, [2.0, 2.0])


def test_a_property_hiding_an_instance_entry_is_never_sent_along(learner: Learner) -> None:
    shadow = learner.Shadowed()
    assert shadow.value_ == "from the property"  # Python reads the property, not the entry
    assert shadow.other_ == 1
    assert shadow.value_ == "from the property"


def test_a_call_makes_every_attribute_fresh_again(learner: Learner) -> None:
    model = learner.Model().fit([[0.0], [2.0]])
    assert model.n_fits_ == 1
    model.fit([[10.0], [20.0]])
    assert model.n_fits_ == 2 and np.array_equal(model.mean_, [15.0])


def test_a_read_that_runs_code_makes_every_attribute_fresh_again(learner: Learner) -> None:
    model = learner.Model().fit([[0.0], [2.0]])
    assert model.n_fits_ == 1
    assert model.reads_ == 0  # a property: it ran code, which changed n_fits_
    assert model.n_fits_ == -1


def test_the_checks_cannot_change_what_the_next_read_returns(learner: Learner) -> None:
    model = learner.Model().fit([[1.0], [3.0]])
    model.label_  # noqa: B018 - brings mean_ along
    first = model.mean_
    first[0] = 99.0
    assert np.array_equal(model.mean_, [2.0])


def test_methods_are_called_by_name_as_python_would_look_them_up(learner: Learner) -> None:
    model = learner.Model().fit([[1.0], [3.0]])
    assert np.array_equal(model.predict([[2.0]]), [[0.0]])
    before = _requests(learner)
    assert np.array_equal(model.predict([[5.0]]), [[3.0]])
    assert _requests(learner) == before + 1  # the call alone
    model.patch()
    assert model.predict([[5.0]]) == "patched"  # the instance's own attribute now wins


def test_a_method_read_once_is_called_by_name_on_every_object_of_its_class(
    learner: Learner,
) -> None:
    learner.Model().fit([[1.0], [3.0]])
    other = learner.Model(3.0)
    before = _requests(learner)
    other.fit([[1.0], [3.0]])
    assert _requests(learner) == before + 1  # no read of `fit` first
    assert np.array_equal(other.mean_, [6.0])


def test_a_method_called_by_name_and_missing_is_still_reported_missing(learner: Learner) -> None:
    learner.Model().fit([[1.0], [3.0]])
    stranger = learner.another_model()
    with pytest.raises(LearnerMissing, match="the Model object has no attribute 'fit'"):
        stranger.fit([[1.0]])


def test_an_attribute_error_inside_a_method_is_the_learner_s_exception(
    learner: Learner,
) -> None:
    for _ in range(2):  # read then called; then called by name
        with pytest.raises(LearnerError) as raised:
            learner.Broken().fit([[1.0]])
        assert type(raised.value) is LearnerError
        assert raised.value.exception_type == "AttributeError"
        assert "never_set_" in raised.value.message


def test_module_functions_are_called_by_name_and_follow_rebinding(learner: Learner) -> None:
    assert learner.double(2) == 4
    before = _requests(learner)
    assert learner.double(5) == 10
    assert _requests(learner) == before + 1
    learner.swap()
    assert learner.double(5) == 15


def test_a_method_used_as_a_value_is_read_first(learner: Learner) -> None:
    model = learner.Model().fit([[1.0], [3.0]])
    model.predict([[0.0]])
    assert np.array_equal(learner.apply(model.predict, [[4.0]]), [[2.0]])
    assert learner.apply(learner.double, 4) == 8


def test_objects_with_their_own_attribute_lookup_get_no_shortcut(learner: Learner) -> None:
    odd = learner.Odd()
    before = _requests(learner)
    assert odd.anything == 7 and odd.other == 7
    assert _requests(learner) == before + 2


def test_speed_runs_repeat_in_the_sandbox_on_fresh_copies_of_the_inputs(learner: Learner) -> None:
    session = learner._session
    session.repeat_runs, session.enough_seconds = 4, 1.0
    before = _requests(learner)
    learner.scale_in_place(np.array([1.0, 2.0]))
    session.repeat_runs = 1
    assert _requests(learner) == before + 2  # the function's name, then one call
    seen = learner.runs_seen()
    assert len(seen) >= 2 and set(seen) == {1.0}  # every run saw the original input


def test_a_run_slower_than_enough_is_not_repeated(learner: Learner) -> None:
    session = learner._session
    session.repeat_runs, session.enough_seconds = 5, 0.01
    learner.slow()
    session.repeat_runs = 1
    assert learner.runs_seen() == [-1.0]
    assert session.call_seconds >= 0.05
