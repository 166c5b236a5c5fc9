"""Runs a script with the given site-packages folder on the interpreter running this file.

``python3 -I image_python.py SITE SCRIPT ARGS...``: the two-user runs start the action with the
system's python3 and the test environment's packages when the test interpreter's standard library
sits where the runner's user cannot read it (a pyenv under /root); the action's image has one that
every user can read, and the action needs it after it gives up root.
"""

import runpy
import site
import sys

if __name__ == "__main__":
    site.addsitedir(sys.argv[1])
    sys.argv = sys.argv[2:]
    runpy.run_path(sys.argv[0], run_name="__main__")
