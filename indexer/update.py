"""Single-card upserts and deletions, published as a new generation in well under a second.

The current generation is copied, the one document is replaced or deleted in the copy with
Whoosh's incremental writer (a new small segment), the card files are rewritten (only the changed card analysed), and the copy is
checked and published like any build. Published generations stay immutable.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
from whoosh import index as whoosh_index

from indexer import card_lines, generations, overlay
from indexer import whoosh_index as windex
from indexer.build import _check
from indexer.documents import field_terms


def _apply(root: Path, card_id: str, card: dict | None, keep: int) -> generations.Generation:
    with generations.build_lock(root):
        generations.cleanup_partial(root)
        base = generations.current(root)
        build_dir = generations.new_build_dir(root)
        try:
            shutil.rmtree(build_dir)
            shutil.copytree(base.path, build_dir)
            ix = whoosh_index.open_dir(str(build_dir / "whoosh"))
            writer = ix.writer()
            try:
                if card is None:
                    writer.delete_by_term("id", card_id)
                else:
                    writer.update_document(id=card_id, **field_terms(card))
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
            # Other cards' lines are kept as they are: the compounds their texts were checked
            # against are the vocabulary of the build that wrote them (a term this change adds
            # counts for them from the next full build).
            vocabulary = windex.vocabulary(build_dir / "whoosh")
            before = card_lines.read(build_dir, vocabulary)
            kept = [line for line in before if line[0]["id"] != card_id]
            if card is None and len(kept) == len(before):
                raise KeyError(card_id)
            if card is not None:
                kept.append((card, card_lines.card_line(card), card_lines.shown_line(card, vocabulary)))
            cards = [c for c, _, _ in kept]
            card_lines.rewrite(build_dir, kept)
            meta = orjson.loads((build_dir / "meta.json").read_bytes())
            meta.update(
                cards=len(cards),
                agencies=len({c["agency"] for c in cards}),
                clusters=len({c["cluster"] for c in cards}),
                source=f"{meta.get('source', '')} + {'upsert' if card else 'delete'} {card_id}",
            )
            (build_dir / "meta.json").write_bytes(orjson.dumps(meta))
            _check(build_dir, cards)
            gen = generations.publish(root, build_dir, keep)
            recorded = overlay.load(root)
            recorded[card_id] = card
            overlay.save(root, recorded)
            return gen
        except BaseException:
            shutil.rmtree(build_dir, ignore_errors=True)
            raise


def upsert(root: Path, card: dict, keep: int = generations.DEFAULT_KEEP) -> generations.Generation:
    return _apply(root, card["id"], card, keep)


def delete(root: Path, card_id: str, keep: int = generations.DEFAULT_KEEP) -> generations.Generation:
    return _apply(root, card_id, None, keep)
