"""The docs against the code, so they cannot drift apart unnoticed: every
plugin option the guides name exists, every broker log line they quote is
one the plugin can write, every relative link leads to a file of this
repository, and no Persian UI string puts «·» beside a Persian digit
(where it reads as the zero «۰»). Needs no broker."""
import glob
import os
import re

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))

GUIDES = ["README.md", "WEBSOCKET_GUIDE.md", "REALTIME_FEATURES_FA.md"]
LINKED_DOCS = GUIDES + ["docs/CONTRACT.md", "docs/ARCHITECTURE.md", "bench/README.md"]

PERSIAN_DIGIT = "[\u06f0-\u06f9]"
DOT_BY_DIGIT = re.compile(PERSIAN_DIGIT + r"\s*·|·\s*" + PERSIAN_DIGIT)


def read(rel):
    with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
        return f.read()


def without_code_blocks(text):
    """Markdown outside ``` fences: links and quotes in sample programs are
    not the doc's own."""
    return re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)


# ---- plugin options ---------------------------------------------------------

def plugin_options():
    src = read("plugin/config.c")
    names = set(re.findall(r'^\s*\{"([a-z0-9_]+)",\s*OPT_[A-Z]+', src, flags=re.M))
    assert len(names) > 20, "the option table in plugin/config.c was not found"
    return names


@pytest.mark.parametrize("doc", GUIDES)
def test_every_plugin_option_named_in_the_docs_exists(doc):
    known = plugin_options()
    named = set(re.findall(r"plugin_opt_([a-z0-9_]+)(?![a-z0-9_*])", read(doc)))
    # plugin_opt_ws_* and the like name a family, not an option.
    named = {n for n in named if not n.endswith("_")}
    assert named, f"{doc} names no plugin option"
    unknown = sorted(named - known)
    assert not unknown, f"{doc} names options plugin/config.c does not have: {unknown}"


def test_every_option_in_the_shipped_config_exists():
    known = plugin_options()
    named = set(re.findall(r"^\s*plugin_opt_([a-z0-9_]+)\s", read("mosquitto.conf"), flags=re.M))
    assert named
    assert not sorted(named - known), sorted(named - known)


# ---- metrics -------------------------------------------------------------------

@pytest.mark.parametrize("doc", GUIDES)
def test_every_metric_named_in_the_docs_is_one_the_plugin_exports(doc):
    src = "".join(open(f, encoding="utf-8").read()
                  for f in glob.glob(os.path.join(ROOT, "plugin", "**", "*.c"), recursive=True))
    exported = set(re.findall(r'"(nabz_[a-z0-9_]+)"', src))
    assert len(exported) > 10, "no metric names found in plugin/"
    named = set(re.findall(r"`(nabz_(?:ws|tcp|http)_[a-z0-9_]+)", read(doc)))
    missing = sorted(named - exported)
    assert not missing, f"{doc} names metrics /metrics does not have: {missing}"


# ---- broker log lines ---------------------------------------------------------

C_LITERAL = r'"(?:[^"\\\n]|\\.)*"'
CONVERSION = re.compile(r"%[-+ #0]*(?:\*|\d+)?(?:\.(?:\*|\d+))?(?:hh|h|ll|l|z|j|t|L)?[diouxXeEfgGcspn]")


def c_format_strings():
    """Every string literal of the plugin's sources, adjacent literals (and
    "%" PRIu64 "...") joined as the compiler joins them."""
    out = []
    for path in glob.glob(os.path.join(ROOT, "plugin", "**", "*.[ch]"), recursive=True):
        with open(path, encoding="utf-8") as f:
            src = f.read()
        src = re.sub(r'"\s*PRI([diouxX])\d+\s*"', r"\1", src)
        for run in re.finditer(rf"{C_LITERAL}(?:\s*{C_LITERAL})*", src):
            parts = re.findall(C_LITERAL, run.group(0))
            text = "".join(p[1:-1] for p in parts)
            out.append(text.replace('\\"', '"').replace("\\\\", "\\"))
    return out


# What the docs write for a part that varies: <...>, ..., …, or a word in
# capitals (ADDR, REASON, N, PATH).
PLACEHOLDER = re.compile(r"\s*(?:<[^>]*>|\.\.\.|…|\b[A-Z][A-Z_]*\b)\s*")


def doc_log_lines(doc):
    """Backticked broker log lines: the plugin prefixes its own with "nabz: "."""
    spans = re.findall(r"`(nabz: [^`]+)`", without_code_blocks(read(doc)))
    return sorted({s[len("nabz: "):].strip() for s in spans})


def could_be_the_same_line(a, b):
    """Whether some line fits both patterns, "\x00" in either standing for
    any text (a printf conversion, or what the doc leaves out)."""
    import functools

    @functools.lru_cache(maxsize=None)
    def fits(i, j):
        if i == len(a) and j == len(b):
            return True
        if i < len(a) and a[i] == "\x00" and (fits(i + 1, j) or (j < len(b) and fits(i, j + 1))):
            return True
        if j < len(b) and b[j] == "\x00" and (fits(i, j + 1) or (i < len(a) and fits(i + 1, j))):
            return True
        return i < len(a) and j < len(b) and a[i] == b[j] != "\x00" and fits(i + 1, j + 1)

    return fits(0, 0)


def quotes_a_format(quoted, fmt):
    # A format that is mostly conversions ("%s", "%s: %s") would match any
    # quote: only a line that starts with words of its own counts.
    if CONVERSION.match(fmt) or len(CONVERSION.sub("", fmt)) < 10:
        return False
    return could_be_the_same_line(PLACEHOLDER.sub("\x00", quoted), CONVERSION.sub("\x00", fmt))


def all_doc_log_lines():
    return [(doc, line) for doc in GUIDES for line in doc_log_lines(doc)]


def test_the_docs_quote_broker_log_lines():
    # Guards the scan itself: if the quotes' form changed, the test below
    # would silently check nothing.
    assert len(all_doc_log_lines()) >= 5


@pytest.mark.parametrize("doc,line", all_doc_log_lines())
def test_every_quoted_log_line_is_one_the_plugin_writes(doc, line):
    formats = c_format_strings()
    assert any(quotes_a_format(line, f) for f in formats), \
        f"{doc} quotes the broker log line `nabz: {line}`, which no format string in plugin/ prints"


def test_the_log_line_matcher_tells_lines_apart():
    fmt = "refused WebSocket client %s: %s"
    assert quotes_a_format("refused WebSocket client <address>: <reason>", fmt)
    assert quotes_a_format("refused WebSocket client 10.0.0.1: bad path", fmt)
    assert not quotes_a_format("rejected WebSocket client <address>: <reason>", fmt)
    assert not quotes_a_format("refused WebSocket peer <address>: <reason>", fmt)
    assert not quotes_a_format("refused WebSocket client <address>: <reason>", "%s: %s")
    assert quotes_a_format("WebSocket client ... cut off ...; it does not read fast enough",
                           "WebSocket client %s cut off: %zu bytes waiting for it (ws_buffer_bytes %ld); "
                           "it does not read fast enough")


# ---- links -----------------------------------------------------------------------

def relative_links(doc):
    text = without_code_blocks(read(doc))
    text = re.sub(r"`[^`\n]*`", "", text)   # [x](y) inside inline code is not a link
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue
        yield target


@pytest.mark.parametrize("doc", LINKED_DOCS)
def test_every_relative_link_leads_to_a_file(doc):
    base = os.path.dirname(os.path.join(ROOT, doc))
    broken = []
    for target in relative_links(doc):
        path = os.path.normpath(os.path.join(base, target.split("#")[0]))
        if not path.startswith(ROOT + os.sep) or not os.path.exists(path):
            broken.append(target)
    assert not broken, f"{doc} links to what this repository does not have: {broken}"


def test_the_readme_links_the_contract_in_this_repository():
    readme = without_code_blocks(read("README.md"))
    targets = re.findall(r"\]\(([^)\s]*CONTRACT[^)\s]*)\)", readme)
    assert targets, "README.md does not link the contract"
    for target in targets:
        assert os.path.normpath(target.split("#")[0]) == os.path.join("docs", "CONTRACT.md"), \
            f"README.md links the contract as {target}, not docs/CONTRACT.md"


# ---- Persian UI strings -----------------------------------------------------------

def persian_strings():
    src = read("static/js/dashboard/i18n.js")
    m = re.search(r"^  fa: \{$(.*?)^  \},$", src, flags=re.S | re.M)
    assert m, "the fa block of i18n.js was not found"
    # In Persian every {placeholder} is filled with Persian digits or a word
    # next to them: count it as a digit.
    return [re.sub(r"\{\w+\}", "۰", s) for s in re.findall(r"'((?:[^'\\]|\\.)*)'", m.group(1))]


def test_no_persian_string_has_a_dot_beside_a_digit():
    strings = persian_strings()
    assert len(strings) > 50
    bad = [s for s in strings if DOT_BY_DIGIT.search(s)]
    assert not bad, f"«·» beside a Persian digit reads as «۰»: {bad}"


def test_the_dashboard_joins_no_formatted_figure_with_a_dot():
    """A «·» glued in code to a formatted figure (fmtAge, fmtInt, ...) shows
    beside Persian digits on the Persian page."""
    bad = []
    for path in glob.glob(os.path.join(ROOT, "static", "js", "dashboard", "*.js")):
        src = open(path, encoding="utf-8").read()
        for m in re.finditer(r"'[^'\n]*·[^'\n]*'\s*,?\s*\+?\s*(?:el\([^)]*,\s*)?fmt\w+\(|fmt\w+\([^()\n]*(?:\([^()\n]*\))?[^()\n]*\)\s*\+\s*'[^'\n]*·", src):
            bad.append(f"{os.path.basename(path)}: {m.group(0)}")
    assert not bad, bad


@pytest.mark.parametrize("page", ["static/index.html", "static/test_websocket.html",
                                  "static/examples/embed.html", "static/examples/one-tag.html"])
def test_no_page_has_a_dot_beside_a_persian_digit(page):
    text = re.sub(r"<[^>]+>", "", read(page))
    assert not DOT_BY_DIGIT.search(text), page


# Wording the Persian review settled, so it does not creep back: the broker
# is «بروکر» («کارگزار» reads as a brokerage in a finance app), one word for
# client, «هم‌زمان» and «یک‌بار» with the non-joiner, and the calques gone.
PERSIAN_AVOID = ["کارگزار", "سرویس‌گیرنده", "سن داده", "همزمان", "یک بار", "مسلح",
                 "سکوت نیست", "Mosquittoی", "سرو می‌کند"]
# «می» / «نمی» written apart from its verb with a space instead of the non-joiner.
LOOSE_MI = re.compile(r"(?<![\w\u200c])(?:ن?می) (?=[\u0600-\u06ff])")


@pytest.mark.parametrize("where", ["REALTIME_FEATURES_FA.md", "static/js/dashboard/i18n.js"])
def test_persian_wording_stays_as_reviewed(where):
    text = read(where)
    found = [w for w in PERSIAN_AVOID if w in text]
    assert not found, f"{where}: {found}"
    assert not LOOSE_MI.findall(text), f"{where}: «می» apart from its verb: {LOOSE_MI.findall(text)}"
