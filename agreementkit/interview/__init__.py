"""The interview as data: question files in the clause library, and the engine that walks them.

`load_interview` merges the question files of the built-in library and any
custom layers; `InterviewRun` walks the result for one person through a
front end (the terminal questionnaire, later the browser).
"""

from __future__ import annotations

from .engine import Ask, Choice, Frontend, GoBack, InterviewRun
from .spec import Interview, Page, Question, load_interview, question_file_schema

__all__ = ["Ask", "Choice", "Frontend", "GoBack", "Interview", "InterviewRun", "Page", "Question", "load_interview",
           "question_file_schema"]
