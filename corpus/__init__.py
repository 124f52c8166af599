"""The bundled catalogue of service cards, its schema, synonyms and judged queries (data only,
plus the synthetic-corpus generator for scale runs)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent
SCHEMA = ROOT / "service-card.schema.json"
# The Persian a catalogue is searched in, not the catalogue itself: what citizens call things
# (synonyms) and the situations they search from (life events). A catalogue without its own uses these.
LANGUAGE_FILES = {"synonyms.tsv": ROOT / "synonyms.tsv", "life_events.json": ROOT / "life_events.json"}
