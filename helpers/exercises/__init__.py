"""Exercise checks, with each lesson's references and expected answers kept off the learner's page.

A lesson's check cell names the exercise and passes the answer, nothing else::

    # NBVAL_CHECK_OUTPUT
    check("16.3", my_choice)

The reference, the edge cases, the expected value and the explanations live in
``helpers.exercises.lessonNN`` (here ``lesson16``), as a course's labs keep their tests in a file of
their own: a learner who opens the check cell learns nothing about the answer. Each lesson module
registers its exercises with ``@exercise``::

    @exercise("16.3", name="my_choice")
    def _(answer):
        return check_choice(answer, "layer", OPTIONS, name="my_choice", explanations=WHY)

An exercise may also need what the lesson computed (its data, a trained model): the check cell
passes those by name, ``check("13.1", my_head_params, features=F_train)``, and the exercise
function takes them as keyword arguments. ``check`` prints one verdict (``✓``, ``✗`` or
``… not yet``) and returns ``None``, so no stray ``True`` appears under the cell.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass

from helpers.exercises.engines import (
    check_choice,
    check_function,
    check_model,
    check_value,
    not_yet,
)

__all__ = ["check", "exercise", "registered", "Exercise", "check_function", "check_value",
           "check_choice", "check_model", "not_yet"]

_ID = re.compile(r"^(\d\d)\.(\d+)$")


@dataclass(frozen=True)
class Exercise:
    id: str
    name: str       # the name the learner's answer is bound to, as the verdicts call it
    run: Callable   # run(answer, **context) -> bool


_REGISTRY: dict[str, Exercise] = {}


def _parse_id(exercise_id) -> tuple[str, str]:
    if not isinstance(exercise_id, str) or not _ID.match(exercise_id):
        raise ValueError(f"an exercise is named 'NN.k' (lesson number, exercise number), e.g. "
                         f"'16.3'; got {exercise_id!r}.")
    lesson, number = _ID.match(exercise_id).groups()
    return lesson, number


def exercise(exercise_id: str, *, name: str) -> Callable:
    """Register ``run(answer, **context) -> bool`` as the check of exercise ``exercise_id``."""
    _parse_id(exercise_id)
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"exercise {exercise_id}: name must be the answer's variable name, got "
                         f"{name!r}.")

    def register(run: Callable) -> Callable:
        if exercise_id in _REGISTRY and _REGISTRY[exercise_id].run.__module__ != run.__module__:
            raise ValueError(f"exercise {exercise_id} is registered twice.")
        _REGISTRY[exercise_id] = Exercise(exercise_id, name, run)
        return run

    return register


def _load_lesson(lesson: str) -> None:
    try:
        importlib.import_module(f"helpers.exercises.lesson{lesson}")
    except ModuleNotFoundError as err:
        if err.name != f"helpers.exercises.lesson{lesson}":
            raise
        raise LookupError(f"lesson {lesson} has no exercises module "
                          f"(helpers/exercises/lesson{lesson}.py).") from None


def registered(lesson: str) -> dict[str, Exercise]:
    """The exercises of one lesson (``"16"``), by id."""
    if not isinstance(lesson, str) or not re.match(r"^\d\d$", lesson):
        raise ValueError(f"lesson must be two digits such as '07', got {lesson!r}.")
    _load_lesson(lesson)
    return {key: ex for key, ex in _REGISTRY.items() if key.startswith(lesson + ".")}


def check(exercise_id: str, answer, **context) -> None:
    """Check the learner's ``answer`` to exercise ``exercise_id`` and print the verdict."""
    lesson, _ = _parse_id(exercise_id)
    if exercise_id not in _REGISTRY:
        _load_lesson(lesson)
    if exercise_id not in _REGISTRY:
        known = ", ".join(sorted(k for k in _REGISTRY if k.startswith(lesson + "."))) or "none"
        raise LookupError(f"there is no exercise {exercise_id}; lesson {lesson} has: {known}.")
    entry = _REGISTRY[exercise_id]
    verdict = entry.run(answer, **context)
    if not isinstance(verdict, bool):
        raise TypeError(f"exercise {exercise_id}'s check returned {verdict!r} instead of a verdict "
                        f"(True or False): the exercise module is broken.")
