"""Command-line interface: thin commands over the scan pipeline, store and reports."""
