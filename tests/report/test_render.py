import base64
import hashlib
import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from cibscan.report import collect_report_data, render_html, safe_json
from cibscan.report.render import content_security_policy

from .case import PAYLOADS


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=20))
@settings(max_examples=200, deadline=None)
def test_safe_json_round_trips_and_cannot_leave_its_script_element(value):
    text = safe_json(value)
    assert json.loads(text) == value
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text


def test_safe_json_on_payloads():
    text = safe_json(list(PAYLOADS))
    assert "</script" not in text.lower() and "<!--" not in text
    assert json.loads(text) == list(PAYLOADS)


def _inline(html, tag):
    return re.findall(rf"<{tag}>(.*?)</{tag}>", html, flags=re.S)


def _hash(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_page_is_self_contained_with_a_policy_that_allows_only_its_own_code(case_ws):
    html = render_html(collect_report_data(case_ws))
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html).group(1)
    assert "default-src 'none'" in policy and "unsafe-inline" not in policy and "unsafe-eval" not in policy
    scripts, styles = _inline(html, "script"), _inline(html, "style")
    assert len(scripts) == 4 and len(styles) == 1
    assert all(_hash(s) in policy for s in scripts + styles)
    # exactly one data element, and it is the only place the data lives
    assert html.count('<script type="application/json" id="cibscan-data">') == 1
    markup = re.sub(r"<script[^>]*>.*?</script>|<style>.*?</style>", "", html, flags=re.S)
    assert not re.search(r"\son\w+\s*=", markup, flags=re.I)  # no inline handlers
    assert not re.search(r"\s(src|href)\s*=", markup, flags=re.I)  # nothing loaded or linked by the static page
    for p in PAYLOADS:
        if "<" in p:
            assert p not in html  # markup payloads never appear as markup


def test_title_is_escaped_in_the_head(case_ws):
    data = collect_report_data(case_ws, title="</title><script>alert(1)</script>")
    html = render_html(data)
    assert "<title>&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt; · cibscan report</title>" in html


def test_policy_lists_every_hash():
    assert content_security_policy(["a", "b"], ["c"]).count("sha256-") == 3


def test_without_policy_option_only_drops_the_meta(case_ws):
    data = collect_report_data(case_ws)
    assert "Content-Security-Policy" not in render_html(data, csp=False)
