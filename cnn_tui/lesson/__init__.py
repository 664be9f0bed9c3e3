"""The lecture's data and chapter texts (no UI imports)."""
