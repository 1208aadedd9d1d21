"""Gold-corpus loaders and metrics."""
