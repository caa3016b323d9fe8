"""Use cases: one function each, one transaction each, each writing its audit entry."""
