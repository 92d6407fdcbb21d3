"""Validators: checksums, ranges and filters that confirm or reject a candidate value."""
