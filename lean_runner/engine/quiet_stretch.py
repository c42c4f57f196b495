"""Quiet stretches: runs of slices where the backtest loop has nothing to do but the data and on_data.

After every slice that takes the loop's full path, ``quiet_stretch_end`` says up to which slice none of
its other steps can be due; the loop skips their tests there (see ``backtest``'s docstring).
"""

from __future__ import annotations

import math
from bisect import bisect_left

NS = 1_000_000_000

# A quiet stretch is at most this many slices long, so progress is still reported on time.
QUIET_STRETCH_MAX = 4096
# Sample and capacity times are compared in float seconds; the stretch stops a millisecond early for them.
_FLOAT_SECONDS_MARGIN_NS = 1_000_000


def quiet_stretch_end(start: int, count: int, utc_times: list[int], local_times: list[int], *, next_midnight_ns: int,
                 next_event_ns: int, next_sample: float, next_capacity: float, action_times: list[int]) -> int:
    """The first slice index from ``start`` at which something besides the data and on_data may be due.

    Every bound is where the loop's own test could first be true (earlier is harmless: that slice
    simply takes the full path): the next midnight sample, the next scheduled event (local times),
    the next intraday sample and capacity update (float seconds, hence the margin) and the next
    corporate action.
    """
    if next_capacity == -math.inf or start >= count:
        return start
    end = min(count, start + QUIET_STRETCH_MAX)
    end = bisect_left(utc_times, next_midnight_ns, start, end)
    end = bisect_left(local_times, next_event_ns, start, end)
    end = bisect_left(utc_times, next_sample * NS - _FLOAT_SECONDS_MARGIN_NS, start, end)
    if next_capacity != math.inf:
        end = bisect_left(utc_times, next_capacity * NS - _FLOAT_SECONDS_MARGIN_NS, start, end)
    if action_times:
        upcoming = bisect_left(action_times, utc_times[start])
        if upcoming < len(action_times):
            end = bisect_left(utc_times, action_times[upcoming], start, end)
    return end
