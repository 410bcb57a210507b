"""A /healthz probe that tells a stalled event loop from a machine with no free core.

The server under test runs its event loop in the test's own thread. A probe that waits long means one of:
- the loop ran one long synchronous step (a defect: every user waits);
- another thread of this process held the interpreter lock meanwhile (a defect, same effect);
- the loop's thread was ready to run but the machine had no free core for it (load from other processes on a
  shared 2-core machine; no server code can answer while it is not scheduled).
Linux accounts the last one per thread: /proc/self/task/<tid>/schedstat holds the time a thread spent on a CPU
and the time it spent ready but waiting for one. Each probe records that wait for the loop's thread, and the
verdict subtracts it: what remains is how long the server took while a core was free for it. Waiting for the
interpreter lock is sleeping, not waiting for a CPU, so a lock held by another thread still counts against the
server. A failure prints every probe's numbers, the garbage-collection pauses and the loop thread's stack.
"""

from __future__ import annotations

import asyncio
import gc
import sys
import threading
import time
import traceback
import urllib.request
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Probe:
    seconds: float  # wall clock from asking to the answer (or the error)
    error: str | None
    cpu_wait: float  # of those seconds, the loop's thread was ready to run but had no CPU
    on_cpu: float  # of those seconds, the loop's thread ran

    @property
    def served_in(self) -> float:
        """How long the answer took while a core was free for the loop's thread."""
        return self.seconds - self.cpu_wait


@dataclass
class Probes:
    probes: list[Probe] = field(default_factory=list)
    gc_pauses: list[tuple[int, float]] = field(default_factory=list)  # (generation, seconds) over 0.5 s
    stalled_at: list[str] = field(default_factory=list)  # the loop thread's stack while a probe waited over 3 s

    def summary(self) -> str:
        """The slowest probe by wall clock and by time served, for the test's output (`pytest -rP` shows it)."""
        if not self.probes:
            return "no probes"
        wall = max(self.probes, key=lambda p: p.seconds)
        served = max(self.probes, key=lambda p: p.served_in)
        return (
            f"{len(self.probes)} probes; slowest wall {wall.seconds:.2f} s ({wall.cpu_wait:.2f} s waiting for a CPU); "
            f"slowest served {served.served_in:.2f} s ({served.on_cpu:.2f} s on a CPU)"
        )


def _schedstat(native_id: int) -> tuple[float, float]:
    """(seconds on a CPU, seconds ready but waiting for a CPU) of one thread of this process so far."""
    on_cpu, waiting, _slices = Path(f"/proc/self/task/{native_id}/schedstat").read_text().split()
    return int(on_cpu) / 1e9, int(waiting) / 1e9


@asynccontextmanager
async def health_probe(base_url: str, give_up_after: float = 60.0) -> AsyncIterator[Probes]:
    """Asks /healthz every 0.2 s from another thread while the body runs on the loop's thread (the caller's).
    On exit the threads are awaited off the loop: a probe still in flight may need this loop (an in-process server)
    to answer, so joining on the loop's thread would deadlock until the probe's timeout."""
    results = Probes()
    stop = threading.Event()
    collecting: dict[str, float] = {}

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            collecting["since"] = time.monotonic()
        elif (paused := time.monotonic() - collecting.pop("since", time.monotonic())) > 0.5:
            results.gc_pauses.append((info["generation"], round(paused, 2)))

    loop_thread, loop_native = threading.get_ident(), threading.get_native_id()
    waiting: dict[str, float] = {}

    def watch() -> None:
        """Once per slow probe: the top of the loop thread's stack, so a stall names its cause."""
        while not stop.wait(0.5):
            since = waiting.get("since")
            if since is not None and time.monotonic() - since > 3 and waiting.get("seen") != since:
                waiting["seen"] = since
                frame = sys._current_frames().get(loop_thread)
                stack = traceback.format_stack(frame)[-4:] if frame is not None else ["(no frame)"]
                results.stalled_at.append(" <- ".join(line.strip().replace("\n", " ") for line in reversed(stack)))

    def probe() -> None:
        while not stop.is_set():
            cpu_before, wait_before = _schedstat(loop_native)
            started = waiting["since"] = time.monotonic()
            error = None
            try:
                with urllib.request.urlopen(f"{base_url}/healthz", timeout=give_up_after) as response:
                    response.read()
            except OSError as failure:
                error = type(failure).__name__
            seconds = time.monotonic() - started
            cpu_after, wait_after = _schedstat(loop_native)
            results.probes.append(Probe(seconds, error, wait_after - wait_before, cpu_after - cpu_before))
            stop.wait(0.2)

    threads = [threading.Thread(target=probe, daemon=True), threading.Thread(target=watch, daemon=True)]
    gc.callbacks.append(on_gc)
    for thread in threads:
        thread.start()
    try:
        yield results
    finally:
        stop.set()
        for thread in threads:
            await asyncio.to_thread(thread.join, give_up_after + 1)
        gc.callbacks.remove(on_gc)


def assert_responsive(results: Probes, limit: float) -> None:
    """Every probe answered, each within `limit` seconds of the time a core was free for the loop's thread."""
    assert results.probes, "the health probe never ran"
    print("health probe:", results.summary())
    slow = [p for p in results.probes if p.error or p.served_in > limit]
    assert not slow, (
        "/healthz stalled while the file was read: "
        + "; ".join(
            f"{p.seconds:.2f} s wall, {p.cpu_wait:.2f} s waiting for a CPU, {p.on_cpu:.2f} s on a CPU"
            + (f", {p.error}" if p.error else "")
            for p in slow
        )
        + f"; GC pauses (generation, s): {results.gc_pauses}; the event loop's thread meanwhile: {results.stalled_at}"
    )
