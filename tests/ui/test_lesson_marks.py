"""Which lesson place belongs to a moment of a run (ui/lesson_marks.py, t5 trial #17)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ui.lesson_marks import LessonMarks, Place


@dataclass
class Run:
    """Stands in for a session: only ``columns`` (one object per run) and ``position``."""

    columns: object = field(default_factory=object)
    position: int = -1


def at(step: int, revealed: bool) -> Place:
    return Place("lesson", "lesson", step, revealed)


def walk() -> tuple[LessonMarks, Run]:
    """Step 1 (two presses) answered at record 1, step 2's question open there, then
    step 2 (one press) answered at record 2."""
    marks, run = LessonMarks(), Run()
    marks.mark(run, at(0, False))
    run.position = 1
    marks.mark(run, at(0, True))
    marks.mark(run, at(1, False))
    run.position = 2
    marks.mark(run, at(1, True))
    return marks, run


def test_back_gives_the_last_place_shown_there_forward_the_first() -> None:
    marks, run = walk()
    run.position = 1
    assert marks.place_at(run, forward=False) == (at(1, False), 1)  # undo: question re-opened
    assert marks.place_at(run, forward=True) == (at(0, True), 1)  # redo: answered again


def test_inside_a_step_it_is_the_step_from_its_start() -> None:
    marks, run = walk()
    run.position = 0  # after step 1's forward, before its backward
    assert marks.place_at(run, forward=False) == (at(0, False), -1)


def test_a_branch_forgets_the_dropped_future_and_other_runs_know_nothing() -> None:
    marks, run = walk()
    marks.branched(run, 0)
    run.position = 2
    assert marks.place_at(run, forward=True) == (at(0, False), -1)
    assert marks.place_at(Run(position=2), forward=True) is None
    assert marks.knows(run) and not marks.knows(Run())
