"""Pickle analysis by opcode simulation, with an allow-list policy."""
