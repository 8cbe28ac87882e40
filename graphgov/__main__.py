"""``python -m graphgov``: the same as the ``graphgov`` command."""
from graphgov.cli import main

main()
