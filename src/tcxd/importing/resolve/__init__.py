"""Resolving a file's names to the database's units and members."""
