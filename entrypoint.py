#!/usr/bin/env python3
"""Container entry point of the lumina-wave action (see action.yml)."""

import sys

from lumina_wave.action import main

if __name__ == "__main__":
    sys.exit(main())
