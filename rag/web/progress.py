"""The upload's progress bar: one bar that only moves forward, from the engine's reports.

`Engine.add_files` reports `(done, total, message)`: first each file as it is checked ("checking NAME (i of n)"),
then the index's phases: steps without a count (total 0: "reading the previous index", "writing the index") and
each batch of embedded passages ("embedding"). The files fill the bar's first tenth, the embedded passages the
rest up to 95 %; a step without a count keeps the bar where it is and shows its own message.
"""

from __future__ import annotations

from typing import Callable

FILES_PART = 0.10
EMBEDDED_UNTIL = 0.95


class UploadProgress:
    """Callable as the engine's progress callback; drives `bar(fraction, message)`."""

    def __init__(self, bar: Callable[[float, str], None]):
        self.bar = bar
        self.fraction = 0.0
        self.steps: list[tuple[float, str]] = []  # what was shown, in order

    def __call__(self, done: int, total: int, message: str = "indexing") -> None:
        if message.startswith(("checking", "checked")) and total:
            fraction = FILES_PART * done / total
        elif total:
            fraction = FILES_PART + (EMBEDDED_UNTIL - FILES_PART) * done / total
            message = f"{message} {done} of {total} passages"
        else:
            fraction = self.fraction
        self.fraction = max(self.fraction, min(fraction, 1.0))
        self.steps.append((self.fraction, message))
        self.bar(self.fraction, message)
