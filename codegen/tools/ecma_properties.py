"""Write ``runtime/support/_ecma_properties.py``: the Unicode property names an
ECMA-262 pattern may use in ``\\p{...}`` / ``\\P{...}`` (with the ``u`` flag).

    python -m codegen.tools.ecma_properties [--check]

The ``regex`` format asks whether a string is a valid ECMA-262 regular expression;
``\\p{Name}`` is valid only for the names ECMA-262 lists (General_Category values,
binary properties, and Script / Script_Extensions values, each with its aliases).
The reference is Node's own ``RegExp``: candidates (the names the specification
lists, every word run of Python's character names, every 1-4 letter alias shape)
are probed in one Node process and the accepted ones are written out, so the
Python checker accepts exactly what Node 20 accepts. ``tests/test_formats.py``
compares the two on patterns built from these names.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import shutil
import string
import subprocess
import sys
import textwrap
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "runtime/support/_ecma_properties.py"

GENERAL = """Letter L Cased_Letter LC Uppercase_Letter Lowercase_Letter Titlecase_Letter
Modifier_Letter Other_Letter Mark M Combining_Mark Nonspacing_Mark Spacing_Mark
Enclosing_Mark Number N Decimal_Number digit Letter_Number Other_Number Punctuation P
punct Connector_Punctuation Dash_Punctuation Open_Punctuation Close_Punctuation
Initial_Punctuation Final_Punctuation Other_Punctuation Symbol S Math_Symbol
Currency_Symbol Modifier_Symbol Other_Symbol Separator Z Space_Separator Line_Separator
Paragraph_Separator Other C Control Cc cntrl Format Surrogate Private_Use Unassigned
ASCII ASCII_Hex_Digit AHex Alphabetic Alpha Any Assigned Bidi_Control Bidi_C
Bidi_Mirrored Bidi_M Case_Ignorable CI Cased Changes_When_Casefolded CWCF
Changes_When_Casemapped CWCM Changes_When_Lowercased CWL Changes_When_NFKC_Casefolded
CWKCF Changes_When_Titlecased CWT Changes_When_Uppercased CWU Dash
Default_Ignorable_Code_Point DI Deprecated Dep Diacritic Dia Emoji Emoji_Component
EComp Emoji_Modifier EMod Emoji_Modifier_Base EBase Emoji_Presentation EPres
Extended_Pictographic ExtPict Extender Ext Grapheme_Base Gr_Base Grapheme_Extend
Gr_Ext Hex_Digit Hex IDS_Binary_Operator IDSB IDS_Trinary_Operator IDST ID_Continue
IDC ID_Start IDS Ideographic Ideo Join_Control Join_C Logical_Order_Exception LOE
Lowercase Lower Math Noncharacter_Code_Point NChar Pattern_Syntax Pat_Syn
Pattern_White_Space Pat_WS Quotation_Mark QMark Radical Regional_Indicator RI
Sentence_Terminal STerm Soft_Dotted SD Terminal_Punctuation Term Unified_Ideograph
UIdeo Uppercase Upper Variation_Selector VS White_Space space XID_Continue XIDC
XID_Start XIDS""".split()
SCRIPTS = (
    "Canadian_Aboriginal Common Inherited Unknown SignWriting Han Katakana_Or_Hiragana"
)


def candidates() -> list[str]:
    found: set[str] = set(GENERAL) | set(SCRIPTS.split())
    for cp in range(0x110000):
        words = re.split(r"[ -]", unicodedata.name(chr(cp), ""))
        for n in range(1, 5):
            if len(words) >= n:
                name = "_".join(w.capitalize() for w in words[:n])
                found.update((name, name + "s"))
    letters = string.ascii_letters
    for n in range(1, 3):
        found.update("".join(p) for p in itertools.product(letters, repeat=n))
    lower = string.ascii_lowercase
    for n in (3, 4):
        for rest in itertools.product(lower, repeat=n - 1):
            found.update(c + "".join(rest) for c in string.ascii_uppercase)
    return sorted(found)


PROBE = r"""
const names = JSON.parse(require("fs").readFileSync(0, "utf8"));
const ok = (src) => {
  try { new RegExp(src, "u"); return true; } catch { return false; }
};
process.stdout.write(JSON.stringify({
  lone: names.filter((n) => ok(`\\p{${n}}`)),
  general: names.filter((n) => ok(`\\p{General_Category=${n}}`)),
  script: names.filter((n) => ok(`\\p{Script=${n}}`)),
  version: process.versions.node, unicode: process.versions.unicode,
}));
"""


def render() -> str:
    node = shutil.which("node")
    assert node, "node must be on PATH"
    done = subprocess.run(
        [node, "-e", PROBE],
        input=json.dumps(candidates()).encode(),
        capture_output=True,
        check=True,
    )
    result = json.loads(done.stdout)

    def block(name: str, values: list[str]) -> str:
        lines = textwrap.wrap(" ".join(sorted(values)), 84)
        body = "\n".join(f"    {line}" for line in lines)
        return f'{name} = frozenset(\n    """\n{body}\n    """.split()\n)\n'

    return (
        '"""Unicode property names of ECMA-262 ``\\\\p{...}`` (written by\n'
        "``python -m codegen.tools.ecma_properties`` from what Node"
        f" {result['version']}\naccepts, Unicode {result['unicode']}). Do not edit."
        '"""\n\n'
        + block("LONE", result["lone"])
        + "\n"
        + block("GENERAL_CATEGORY", result["general"])
        + "\n"
        + block("SCRIPT", result["script"])
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        if OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT.name} is stale: run python -m codegen.tools.ecma_properties")
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
