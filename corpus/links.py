"""Links of the bundled cards: apply the reviewed links of links.tsv and rewrite missing-links.tsv.

    python -m corpus.links

links.tsv (id, url, source) records every `url` added to a card after it was first published, and
how it was known: `channel` (the card already named that address as its web channel) or `system`
(the well-known national system that serves the service). A link is only added to a card that has
none, after its `channels`, so running this again changes nothing and re-applies the links after a
merge that rewrote the card lines. missing-links.tsv then lists every card whose application stage
is electronic and that still has no url: the cards the national report's quality check flags.
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SERVICES = ROOT / "services"
LINKS = ROOT / "links.tsv"
MISSING_LINKS = ROOT / "missing-links.tsv"


def read_links(path: Path = LINKS) -> dict[str, str]:
    rows = [line.split("\t") for line in path.read_text("utf-8").splitlines()[1:] if line]
    return {row[0]: row[1] for row in rows}


def with_url(card: dict, url: str) -> dict:
    """The card with `url` placed after its channels, and the address of an unnamed web channel filled in."""
    channels = [
        {**ch, "address": url} if ch.get("type") == "web" and not ch.get("address") else ch
        for ch in card.get("channels", [])
    ]
    out = {}
    for key, value in card.items():
        out[key] = channels if key == "channels" else value
        if key == "channels":
            out["url"] = url
    out.setdefault("url", url)
    return out


def applies_online(card: dict) -> bool:
    return bool((card.get("e_stages") or {}).get("application"))


def main() -> int:
    links = read_links()
    missing = []
    for path in sorted(SERVICES.glob("*.jsonl")):
        lines = path.read_text("utf-8").splitlines()
        cards = [json.loads(line) for line in lines if line.strip()]
        cards = [with_url(c, links[c["id"]]) if c["id"] in links and not c.get("url") else c for c in cards]
        path.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cards), "utf-8")
        missing += [c for c in cards if applies_online(c) and not c.get("url")]
    MISSING_LINKS.write_text(
        "id\tagency\ttitle\n" + "".join(f"{c['id']}\t{c['agency']}\t{c['title']}\n" for c in missing), "utf-8"
    )
    print(f"{len(missing)} cards with an electronic application and no url, listed in {MISSING_LINKS.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
