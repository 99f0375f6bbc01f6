"""The report's laundering section: candidates, their aligned posts next to the campaign posts
they match (texts side by side), and the campaigns they were measured against.

Reads the ``laundering_campaigns``, ``laundering_accounts`` and ``laundering_matches`` tables
the laundering detector stores; texts come from ``posts`` and are cut to
``ReportLimits.text_chars`` (they are shown with ``textContent``, like every other string).
"""

from __future__ import annotations

import ibis

from .tables import report_table

__all__ = ["LAUNDERING_TABLES", "laundering_section"]

LAUNDERING_TABLES = ("laundering_campaigns", "laundering_accounts", "laundering_matches")


def laundering_section(ws, limits) -> dict | None:
    """``{candidates, aligned posts, campaigns}`` report tables, or ``None`` when the detector has not run."""
    if not all(ws.has_table(n) for n in LAUNDERING_TABLES):
        return None
    acc = ws.table("laundering_accounts")
    cand = acc.filter(acc.candidate).order_by(["q_value", ibis.desc("n_aligned"), "account_id"])
    cand = cand.select("account_id", "handle", "campaign_id", "n_posts", "n_aligned", "aligned_share", "n_aligned_days",
                       "n_in_window", "expected_in_window", "p_value", "q_value", "reason")
    m = ws.table("laundering_matches")
    m = m.semi_join(cand.select("account_id", "campaign_id"), ["account_id", "campaign_id"])
    posts = ws.table("posts")
    own = posts.select(post_id=posts.post_id, text=posts.text.substr(0, limits.text_chars))
    camp = posts.select(campaign_post_id=posts.post_id, campaign_text=posts.text.substr(0, limits.text_chars))
    m = m.left_join(own, "post_id").left_join(camp, "campaign_post_id")
    m = m.select("account_id", "at", "in_window", "kind", "post_id", "text", "campaign_post_id", "campaign_account_id",
                 "campaign_text").order_by(["account_id", "at", "post_id"])
    camps = ws.table("laundering_campaigns").order_by("campaign_id")
    return {
        "laundering candidates": report_table(cand, limits.table_rows),
        "aligned posts next to the campaign posts they match": report_table(m, limits.table_rows),
        "campaigns": report_table(camps, limits.table_rows),
    }
