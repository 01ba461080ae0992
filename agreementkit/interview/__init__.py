"""The interview: the engine that walks the questions, and what its front ends share.

`InterviewRun` walks an `Interview` (see `agreementkit.questions`) for one
person through a front end, the terminal questionnaire or the browser. Both
front ends also share the draft file (`draft`), the review's summary
(`review`) and the finish that writes the answers file and documents
(`finish`), so neither reaches into the other.
"""

from __future__ import annotations

from .engine import Ask, Choice, Frontend, GoBack, InterviewRun

__all__ = ["Ask", "Choice", "Frontend", "GoBack", "InterviewRun"]
