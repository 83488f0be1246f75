"""Write rules/lexicon/verbs/en.txt: English verbs in their base form, from UD English-EWT.

A word counts when the treebank tags its lemma VERB at least twice and the bare form is a
verb in at least 30% of its uses. The sentence-act tagger reads the list to tell an
imperative ("Call me", "Join us") from a sentence that starts with a noun ("Thanks for").
Derived from Universal Dependencies English-EWT (CC BY-SA 4.0); see ../shared/ud/.

Usage: python tools/build_verb_list.py [UD_DIR]
"""

from __future__ import annotations

import gzip
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(ud_dir: Path) -> None:
    verbs: Counter[str] = Counter()
    tags: dict[str, Counter[str]] = defaultdict(Counter)
    for part in ("train", "dev", "test"):
        with gzip.open(ud_dir / f"en_ewt-ud-{part}.conllu.gz", "rt", encoding="utf-8") as handle:
            for line in handle:
                if not line.strip() or line.startswith("#"):
                    continue
                fields = line.split("\t")
                if not fields[0].isdigit():
                    continue
                form, lemma, upos = fields[1].lower(), fields[2].lower(), fields[3]
                tags[form][upos] += 1
                if upos == "VERB":
                    verbs[lemma] += 1
    chosen = sorted(
        lemma for lemma, count in verbs.items()
        if count >= 2 and lemma.isalpha() and tags[lemma]["VERB"] >= 0.3 * sum(tags[lemma].values())
    )
    out = ROOT / "rules" / "lexicon" / "verbs" / "en.txt"
    header = "# English base-form verbs from UD English-EWT (CC BY-SA 4.0); made by tools/build_verb_list.py\n"
    out.write_text(header + "\n".join(chosen) + "\n", encoding="utf-8")
    print(f"{out}: {len(chosen)} verbs")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "ud")
