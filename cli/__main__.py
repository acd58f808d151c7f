"""``python -m cli`` runs the ``annotator`` command."""

import sys

from cli.main import main

sys.exit(main())
