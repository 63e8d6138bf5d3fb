"""Messages between a household and its allocated workers."""
