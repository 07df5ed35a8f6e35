"""The concurrent-writers harness of ``testing.concurrency``, under the name the tests have always imported."""

from testing.concurrency import (
    MAX_ATTEMPTS,
    Edit,
    WritersOutcome,
    create_postmortems,
    lost_updates,
    marker,
    run_writers,
)

__all__ = ["MAX_ATTEMPTS", "Edit", "WritersOutcome", "create_postmortems", "lost_updates", "marker", "run_writers"]
