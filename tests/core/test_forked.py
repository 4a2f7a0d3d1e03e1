"""`core.forked.beside`: part of the work in a forked process, the rest here."""

from __future__ import annotations

import gc
import os

from tcxd.core.forked import beside


def test_the_child_works_in_another_process_on_what_the_fork_gave_it():
    given = list(range(1_000))  # (not pickled: the child has it from the fork)
    theirs, mine = beside(lambda: (os.getpid(), sum(given)), lambda: os.getpid())
    assert theirs[1] == sum(given)
    assert theirs[0] != mine == os.getpid()


def test_a_failed_child_gives_none_and_this_process_goes_on():
    def fails():
        raise RuntimeError("there")

    frozen_before = gc.get_freeze_count()
    assert beside(fails, lambda: "here") == (None, "here")
    assert gc.get_freeze_count() == frozen_before
