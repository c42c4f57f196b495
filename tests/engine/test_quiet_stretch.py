"""Quiet stretches: the loop skips its per-slice checks only where none of them can be due."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from lean_runner.engine.quiet_stretch import QUIET_STRETCH_MAX, quiet_stretch_end

NS = 1_000_000_000
MINUTE = 60 * NS
BASE = 1_262_600_000 * NS  # 2010-01-04, nanoseconds since the epoch
OFFSET = -5 * 3600 * NS  # local = UTC - 5h


def _due(t: int, local: int, *, next_midnight_ns: int, next_event_ns: int, next_sample: float,
         next_capacity: float, action_times: list[int]) -> bool:
    """The loop's own tests, exactly as it writes them."""
    seconds = t / NS
    return (next_midnight_ns <= t or local > next_event_ns or local >= next_event_ns or seconds > next_sample
            or seconds >= next_capacity or t in action_times)


@settings(max_examples=300, deadline=None)
@given(gaps=st.lists(st.integers(1, 120), min_size=1, max_size=300), start=st.integers(0, 299),
       midnight=st.integers(0, 400), event=st.integers(0, 400), sample=st.integers(-5, 400),
       capacity=st.one_of(st.just(math.inf), st.just(-math.inf), st.integers(0, 400)),
       actions=st.lists(st.integers(0, 400), max_size=3), jitter=st.integers(-NS, NS))
def test_no_slice_inside_a_quiet_stretch_has_anything_due(gaps: list[int], start: int, midnight: int, event: int,
                                                          sample: int, capacity: float, actions: list[int],
                                                          jitter: int) -> None:
    utc_times = []
    t = BASE
    for gap in gaps:
        t += gap * MINUTE
        utc_times.append(t)
    local_times = [u + OFFSET for u in utc_times]
    start = min(start, len(utc_times))
    thresholds = {
        "next_midnight_ns": BASE + midnight * 30 * MINUTE,
        "next_event_ns": BASE + OFFSET + event * 30 * MINUTE,
        "next_sample": (BASE + sample * 30 * MINUTE + jitter) / NS,
        "next_capacity": capacity if math.isinf(capacity) else (BASE + capacity * 30 * MINUTE + jitter) / NS,
        "action_times": sorted(BASE + a * 30 * MINUTE for a in actions),
    }
    end = quiet_stretch_end(start, len(utc_times), utc_times, local_times, **thresholds)  # type: ignore[arg-type]
    assert start <= end <= min(len(utc_times), start + QUIET_STRETCH_MAX)
    for index in range(start, end):
        assert not _due(utc_times[index], local_times[index], **thresholds), index  # type: ignore[arg-type]
    if thresholds["next_capacity"] == -math.inf:
        assert end == start  # capacity updates every slice while fills are monitored


def test_a_stretch_runs_to_the_first_due_slice() -> None:
    utc_times = [BASE + i * MINUTE for i in range(1, 11)]
    local_times = [u + OFFSET for u in utc_times]
    end = quiet_stretch_end(0, 10, utc_times, local_times, next_midnight_ns=utc_times[6], next_event_ns=2**62,
                       next_sample=math.inf, next_capacity=math.inf, action_times=[])
    assert end == 6
    end = quiet_stretch_end(0, 10, utc_times, local_times, next_midnight_ns=2**62, next_event_ns=local_times[3],
                       next_sample=math.inf, next_capacity=math.inf, action_times=[utc_times[8]])
    assert end == 3
