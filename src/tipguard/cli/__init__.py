"""The command line (``tipguard``)."""
