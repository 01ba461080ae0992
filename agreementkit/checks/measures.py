"""The health check's rule on targets a review cannot measure.

Kept beside the built-in rules rather than among them because it reads
targets through `agreementkit.targets`, the reader the reviews use: the
advice is exactly "a review of this objective would have no number".
"""

from __future__ import annotations

from collections.abc import Iterator

from ..answers import Answers
from ..targets import read_target
from .findings import rule


@rule("target-unmeasurable", "advice", "Every target can be read as a number a review measures against.")
def target_unmeasurable(answers: Answers) -> Iterator[tuple[str, str, str, str]]:
    for index, objective in enumerate(answers.objectives):
        if not objective.target or objective.target_value is not None:
            continue
        measure, reason = read_target(objective.target)
        if measure is None:
            yield (
                f"objectives[{index}].target",
                f"The target of '{objective.title}' ('{objective.target}') cannot be read as a number: {reason}.",
                "A review charts each KPI against its target and says whether it is on track; without a number "
                "it can only record the figure.",
                f"Write the target as one number and what it counts ('8 distributors', '-20%'), or add "
                f"target_value, unit and direction to '{objective.title}'.",
            )
