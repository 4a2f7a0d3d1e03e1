"""The bottom layer: words, periods, errors, settings, safe file writing. Imports no other layer."""
