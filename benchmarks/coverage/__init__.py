"""Which AI-specific weaknesses does each scanner report? A planted, one-weakness-per-case set."""
