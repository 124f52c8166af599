"""The index on disk as one contract between the side that writes it (`indexer/`) and the side
that reads it (`search/`): where a generation lives and how it is published (layout), its fields
and their weights (fields), its card files (card_files) and the stored words results highlight
from (stored_words), the versions of those formats (versions), and the errors met on the way
(errors). It sits above `analyzers/` and below `indexer/` and `search/`.
"""
