"""``python -m acsi``: the analysts' command line (see :mod:`acsi.cli`)."""
from acsi.cli import main

raise SystemExit(main())
