"""``python -m tipguard`` runs the command line."""

from tipguard.cli.main import main

main()
