"""Gold-corpus loaders and metrics (ACLED notes, the seed articles, geoparsing corpora)."""
