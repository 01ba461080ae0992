"""The questions as data: question files in the clause library, merged across layers.

- `spec`: reading, checking and layering question files into an `Interview`
  (pages of typed questions with defaults, conditions and validation);
- `types`: the question types and how a typed answer is read;
- `expressions`: the sandboxed Jinja2 expressions of `when`, `default`,
  `validate` and `count`;
- `extra`: the `extra` answers a layer's questions declare, typed as a model;
- `fields`: the answers model's own field for each built-in question;
- `listing`: the question list and the printable client checklist.

This sits just above the answers model and below everything that asks
(the interview engine, the terminal and the browser); it never walks an
interview itself.
"""

from __future__ import annotations

from .spec import Interview, Page, Question, load_interview, question_file_schema

__all__ = ["Interview", "Page", "Question", "load_interview", "question_file_schema"]
