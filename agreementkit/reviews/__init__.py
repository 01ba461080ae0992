"""After signing: the partnership's reviews, checked and laid out as a review pack.

A folder of review files (one per review in the MOU's Schedule 4) is the
partnership's history. `history` reads and checks it against the signed MOU;
`assess` works out what the numbers say (each KPI against its trajectory,
resources against time, exit triggers, actions); `findings` is the review
check; `pack` lays the history out as a `Document` with `charts` drawn by
matplotlib, for the same writers as the MOU; `start` writes the next review
file to fill in, and `questions` asks the same in the interview engine.

This package sits beside the interview and the library toolkit: it reads
answers, assembles the MOU to cite its clauses, and hands documents to the
writers. matplotlib is imported only when a chart is drawn.
"""
