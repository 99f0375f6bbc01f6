"""One self-contained, inert HTML file from the report data.

Security model (every string in the data came from the people being investigated):

* The data travels as JSON inside ``<script type="application/json">``, with ``<``, ``>``,
  ``&`` and the JavaScript line separators written as ``\\uXXXX`` escapes, so no value can
  close the script tag or open a comment (``safe_json``).
* The page's script reads that JSON and builds the page with DOM methods only
  (``textContent``, never ``innerHTML``); links get an ``href`` only when they are ``https:``
  on a known platform host (``links.SAFE_LINK_HOSTS``); images only as ``data:image/png`` or
  ``data:image/jpeg`` re-encoded by cibscan.
* A strict Content-Security-Policy allows exactly the page's own inline scripts and styles by
  their SHA-256 hashes and nothing else: no inline event handlers, no ``javascript:`` URLs,
  no network requests of any kind (``default-src 'none'``), no ``eval``.

Front-end libraries (sigma.js 3.0.3 and graphology 0.26.0, MIT) are committed minified files
from the npm registry in ``assets/vendor/`` (see ``assets/vendor/VENDOR.md``), inlined here.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from functools import lru_cache
from importlib import resources

import jinja2

from .links import SAFE_LINK_HOSTS

__all__ = ["safe_json", "mark_invisible", "render_html", "content_security_policy", "ASSET_FILES"]

#: Scripts inlined in order: libraries first, then the report's own code.
ASSET_FILES = ("vendor/graphology.umd.min.js", "vendor/sigma.min.js", "report.js")

#: The characters the report's script shows as [U+XXXX] markers (the same class as INVISIBLE in
#: report.js): controls, zero-width and direction-changing marks.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")

_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def safe_json(data) -> str:
    """``data`` as JSON text that is safe inside an HTML ``<script>`` element: it cannot end
    the element (``</script>``), open a comment (``<!--``) or hold a raw line separator."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return "".join(_JSON_ESCAPES.get(c, c) for c in text) if any(c in text for c in _JSON_ESCAPES) else text


def mark_invisible(text: str) -> str:
    """``text`` with invisible and direction-changing characters written as ``[U+XXXX]``."""
    return _INVISIBLE.sub(lambda m: f"[U+{ord(m.group()):04X}]", text)


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def content_security_policy(scripts: list[str], styles: list[str]) -> str:
    """The page's policy: only these exact inline scripts and styles, images only as data URIs,
    nothing fetched, framed, submitted or based elsewhere."""
    return "; ".join([
        "default-src 'none'",
        "script-src " + " ".join(_sha256(s) for s in scripts),
        "style-src " + " ".join(_sha256(s) for s in styles),
        "img-src data:",
        "base-uri 'none'",
        "form-action 'none'",
    ])


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    text = resources.files("cibscan.report").joinpath("assets", name).read_text(encoding="utf-8")
    if "</script" in text.lower() or "<!--" in text:
        raise RuntimeError(f"asset {name} contains a sequence that would end its <script> element")
    return text


@lru_cache(maxsize=1)
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("cibscan.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    return env.get_template("report.html")


def render_html(data: dict, *, csp: bool = True) -> str:
    """The report page for ``collect_report_data`` output.

    ``csp=False`` leaves the policy out; tests use it to show that escaping alone keeps
    hostile data inert (the policy is a second wall, not the only one).
    """
    scripts = [_asset(n) for n in ASSET_FILES]
    boot = "window.CIBSCAN_SAFE_HOSTS=" + json.dumps(list(SAFE_LINK_HOSTS)) + ";"
    scripts = scripts[:-1] + [boot] + scripts[-1:]
    styles = [_asset("report.css")]
    policy = content_security_policy(scripts, styles) if csp else None
    return _template().render(
        title=mark_invisible(data["meta"]["title"]),
        csp=jinja2_markup(policy) if policy else None,  # our own text: hashes and keywords, no quotes
        styles=[jinja2_markup(s) for s in styles],
        scripts=[jinja2_markup(s) for s in scripts],
        data_json=jinja2_markup(safe_json(data)),
    )


def jinja2_markup(text: str):
    """Text we produced ourselves (our assets, the escaped JSON) that Jinja must not escape."""
    return jinja2.utils.markupsafe.Markup(text)
