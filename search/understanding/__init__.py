"""Query understanding: from the text a citizen typed to a plan of what to match (pipeline.py runs
the steps, one module each; plan.py holds what they build)."""

from search.understanding.pipeline import understand
from search.understanding.plan import Alternative, Plan, Slot

__all__ = ["Alternative", "Plan", "Slot", "understand"]
