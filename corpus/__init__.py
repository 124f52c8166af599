"""The bundled catalogue of service cards, its schema, synonyms and judged queries (data only,
plus the synthetic-corpus generator for scale runs)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent
SCHEMA = ROOT / "service-card.schema.json"
