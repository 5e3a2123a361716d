"""Migration scripts, oldest first; each revision is one file, never edited once released."""
