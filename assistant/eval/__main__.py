"""``python -m assistant.eval``: run the evaluation harness's command line."""

from __future__ import annotations

import sys

from assistant.eval.cli import main

sys.exit(main())
