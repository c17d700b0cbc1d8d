"""Wait for a condition with a deadline, instead of sleeping a fixed time and hoping it was long enough.

A fixed sleep races whatever it waits for (a retry interval, a process start, a timer): too short on a busy
machine and the test fails for nothing, too long and every run pays for it. These poll the condition and
return as soon as it holds; at the deadline they fail with the message.
"""

from __future__ import annotations

import asyncio
import time
from typing import Awaitable, Callable, TypeVar

T = TypeVar("T")


def wait_until(condition: Callable[[], T], message: str, timeout: float = 30.0, interval: float = 0.05) -> T:
    """The condition's first truthy value; AssertionError with `message` when the deadline passes."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f} s: {message}")
        time.sleep(interval)


async def wait_until_async(
    condition: Callable[[], Awaitable[T]], message: str, timeout: float = 30.0, interval: float = 0.02
) -> T:
    """The same for a coroutine condition, yielding to the event loop between tries."""
    deadline = time.monotonic() + timeout
    while True:
        value = await condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f} s: {message}")
        await asyncio.sleep(interval)
