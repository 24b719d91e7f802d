"""Read the scores nbgrader's autograde gave, from a course's gradebook, as JSON.

`cargo lab grade` runs this with the Python of nbgrader's own venv
(target/lab/grade/venv), after `nbgrader autograde`:

    python grade_scores.py --db sqlite:///COURSE/gradebook.db --assignment 05-lab \
        --notebook 05-lab --out scores.json solved untouched partial

It writes, for each student, the score and maximum of every grade cell and of
the whole notebook:

    {"solved": {"score": 10.0, "max_score": 10.0, "cells": {"ex1-check": [2.0, 2.0], ...}}, ...}

Exit status: 0 when every student's notebook was found, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("students", nargs="+")
    parser.add_argument("--db", required=True, help="the gradebook's database URL")
    parser.add_argument("--assignment", required=True)
    parser.add_argument("--notebook", required=True, help="the notebook's name, without .ipynb")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()

    scores = {}
    missing = []
    with Gradebook(args.db) as gradebook:
        for student in args.students:
            try:
                submitted = gradebook.find_submission_notebook(args.notebook, args.assignment, student)
            except MissingEntry:
                missing.append(student)
                continue
            scores[student] = {
                "score": submitted.score,
                "max_score": submitted.max_score,
                "cells": {grade.name: [grade.score, grade.max_score] for grade in submitted.grades},
            }
    args.out.write_text(json.dumps(scores, indent=1, sort_keys=True), encoding="utf-8")
    if missing:
        print(f"error: no graded notebook for {', '.join(missing)} in {args.db}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
