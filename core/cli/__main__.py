"""``python -m core.cli``: the same as the installed ``postmortem`` command."""

import sys

from core.cli import main

sys.exit(main())
