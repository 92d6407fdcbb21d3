"""Posture checks that hold whichever cloud the asset lives in: who can access what."""
