"""Single-card upserts and deletions, published as a new generation in well under a second.

The current generation is copied, the one document is replaced or deleted in the copy with
Whoosh's incremental writer (a new small segment), the card files are rewritten (only the changed
card analysed), and the copy is checked and published like any build. Published generations stay
immutable.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import orjson
from whoosh import index as whoosh_index

from indexer import overlay
from indexer import whoosh_index as windex
from indexer.build import _check
from indexer.documents import field_terms
from store import card_files, layout, report_history, versions


def _apply(root: Path, card_id: str, card: dict | None, keep: int) -> layout.Generation:
    with layout.build_lock(root):
        layout.cleanup_partial(root)
        base = layout.current(root)
        # A card analysed by this code beside cards analysed by another would be found by one
        # kind of query and not the other: a generation of another analyzer is rebuilt, not patched.
        versions.check(base.name, base.meta())
        build_dir = layout.new_build_dir(root)
        try:
            shutil.rmtree(build_dir)
            shutil.copytree(base.path, build_dir)
            ix = whoosh_index.open_dir(str(build_dir / layout.WHOOSH))
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
            vocabulary = windex.vocabulary(build_dir / layout.WHOOSH)
            before = card_files.read(build_dir)
            kept = [line for line in before if line[0]["id"] != card_id]
            if card is None and len(kept) == len(before):
                raise KeyError(card_id)
            if card is not None:
                kept.append((card, card_files.card_line(card), card_files.shown_line(card, vocabulary)))
            cards = [c for c, _, _ in kept]
            card_files.rewrite(build_dir, kept)
            meta = orjson.loads((build_dir / layout.META).read_bytes())
            versions.stamp(meta)
            meta.update(
                cards=len(cards),
                agencies=len({c["agency"] for c in cards}),
                clusters=len({c["cluster"] for c in cards}),
                source=f"{meta.get('source', '')} + {'upsert' if card else 'delete'} {card_id}",
            )
            (build_dir / layout.META).write_bytes(orjson.dumps(meta))
            _check(build_dir, cards)
            gen = layout.publish(root, build_dir, keep)
            report_history.append(root, gen, cards)
            recorded = overlay.load(root)
            recorded[card_id] = card
            overlay.save(root, recorded)
            return gen
        except BaseException:
            shutil.rmtree(build_dir, ignore_errors=True)
            raise


def upsert(root: Path, card: dict, keep: int = layout.DEFAULT_KEEP) -> layout.Generation:
    return _apply(root, card["id"], card, keep)


def delete(root: Path, card_id: str, keep: int = layout.DEFAULT_KEEP) -> layout.Generation:
    return _apply(root, card_id, None, keep)
