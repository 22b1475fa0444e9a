"""`python -m takeback` runs the command line."""

import sys

from takeback.cli import main

sys.exit(main())
