def register():
    """Organisations are not yet a kind of the search (see docs/architecture.md)."""
