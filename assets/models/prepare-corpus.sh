#!/usr/bin/env bash
# Rebuilds the training corpus of the bundled models: the prose of Python's documentation
# (Debian package python3.11-doc, Python Software Foundation License 2) as plain text.
#
#   assets/models/prepare-corpus.sh [OUT]     (default OUT: target/corpus/python-docs.txt)
#
# Keeps the paragraphs and headings of every page; drops code blocks, API signatures, tables,
# navigation, indexes and the changelog. Documents are separated by a line <|endoftext|>.
# Needs apt-get (Debian 12 "bookworm" sources), dpkg-deb and python3; no root.
set -euo pipefail

out="${1:-target/corpus/python-docs.txt}"
package="${PYTHON_DOC_PACKAGE:-python3.11-doc}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

mkdir -p "$(dirname "$out")"
(cd "$work" && apt-get download "$package" >/dev/null)
dpkg-deb -x "$work"/"$package"_*.deb "$work/root"
html="$work/root/usr/share/doc/${package%-doc}/html"

python3 - "$html" "$out" <<'PY'
import html.parser, pathlib, re, sys

root, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
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
out.write_text("\n<|endoftext|>\n".join(documents) + "\n", encoding="utf-8")
print(f"{out}: {len(documents)} documents, {out.stat().st_size:,} bytes", file=sys.stderr)
PY
