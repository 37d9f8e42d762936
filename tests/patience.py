"""How long tests that start processes (the embedded server, `tuishou serve`, migrations) may wait on this machine."""

import os


def patience() -> float:
    """How many times longer than on an idle machine the set-up and start-up may take: the load average per core,
    at least 1 and at most 8. A loaded, shared machine starts Python processes and runs migrations slowly; a server
    that never answers, or a migration that fails, still fails the test."""
    return min(8.0, max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1)))
