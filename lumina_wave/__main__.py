"""``python -m lumina_wave``."""

import sys

from lumina_wave.cli import main

sys.exit(main())
