"""A hand-made case for report tests and the report benchmark.

It writes what the detectors will store (contracts.md) without running them: accounts and posts
through ingest, findings through ``store_findings``, and every detector table the report reads,
with hostile strings (XSS payloads, ``</script>`` inside data, ``javascript:`` URLs, RTL
overrides, zero-width characters) in handles, names, bios, texts, URLs, tags, reasons and
evidence. ``make_case(ws, clusters=200, cluster_size=50)`` gives 10,000 flagged accounts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pyarrow as pa

from cibscan.findings import Evidence, Finding, Findings, store_findings

T0 = datetime(2024, 3, 1, 12, 0, 0)

#: Each payload sets ``window.__pwned`` if it ever runs; ``PWNED_MARK`` shows it did.
PAYLOADS = (
    "<script>window.__pwned='script'</script>",
    '"><img src=x onerror="window.__pwned=\'onerror\'">',
    "javascript:window.__pwned='jsurl'",
    "</script><script>window.__pwned='close'</script>",
    "<!--<script>window.__pwned='comment'</script>-->",
    "<svg onload=\"window.__pwned='svg'\"></svg>",
    "' autofocus onfocus='window.__pwned=\"focus\"",
    "\u202egnp.exe \u2066isolate\u2069",
    "pay\u200bpal\u200d\ufeff",
    "{{constructor.constructor('window.__pwned=1')()}}",
    "line\u2028sep\u2029end",
    "=HYPERLINK(\"https://evil.example/\",\"click\")",
)
#: Strings the page must show literally (with invisible characters as [U+XXXX] markers).
LITERAL_PROBES = ("<script>window.__pwned='script'</script>", "onerror=", "javascript:window.__pwned", "[U+202E]", "[U+200B]")


def hostile(i: int) -> str:
    return PAYLOADS[i % len(PAYLOADS)]


def _accounts_and_posts(n_accounts: int, posts_per_account: int):
    accounts, posts = [], []
    for i in range(n_accounts):
        aid = str(1000 + i)
        accounts.append({
            "platform": "twitter", "account_id": aid,
            "handle": f"acct{i}" if i % 7 else f"h{i}{hostile(i)}",
            "display_name": hostile(i + 1) if i % 3 == 0 else f"Name {i}",
            "description": f"bio {i} {hostile(i + 2)}",
            "created_at": T0 - timedelta(days=30 + i % 5),
            "followers": i * 3, "following": 10, "verified": False,
        })
        for j in range(posts_per_account):
            posts.append({
                "platform": "twitter", "post_id": str(10_000_000 + i * posts_per_account + j), "account_id": aid,
                "created_at": T0 + timedelta(seconds=60 * j + i % 50), "kind": "post",
                "text": f"post {i}/{j} {hostile(i + j)}",
                "urls": [f"https://news.example/{i}", hostile(2)], "hashtags": ["tag" + str(j), hostile(i)],
            })
    # a post whose id is itself a payload: it must never become a link
    posts.append({"platform": "twitter", "post_id": "javascript:window.__pwned='postid'", "account_id": "1000",
                  "created_at": T0, "kind": "post", "text": hostile(0)})
    return accounts, posts


def make_case(ws, clusters: int = 3, cluster_size: int = 4, posts_per_account: int = 2) -> dict:
    """Fill ``ws`` with a complete hand-made case; returns what was planted."""
    n = clusters * cluster_size
    accounts, posts = _accounts_and_posts(n + 4, posts_per_account)
    ws.add_records(posts, accounts, source=f"case {hostile(0)}", platform="twitter")
    # one bad record: it must appear under rejects with its raw text, escaped
    ws.add_records([{"post_id": "bad", "account_id": "1000", "text": hostile(1)}], source="broken.jsonl", platform="twitter")

    ids = [a["account_id"] for a in accounts]
    members = {f"C{c + 1}": ids[c * cluster_size:(c + 1) * cluster_size] for c in range(clusters)}
    conf = ("high", "medium", "low")
    items = []
    for c, (cid, accs) in enumerate(members.items()):
        first_posts = [str(10_000_000 + int(a) - 1000) for a in accs[:10]]
        items.append(Finding(
            detector="coordination", kind="cluster", id=cid,
            title=f"{len(accs)} accounts reposted together {hostile(c)}",
            summary=f"Cluster {cid}: {len(accs)} accounts co-shared {hostile(c + 3)} within 12 s",
            accounts=tuple(accs), score=round(0.9 - 0.5 * c / max(1, clusters), 4), confidence=conf[c % 3],
            evidence=(
                Evidence("co-link", f"shared {hostile(2)} within 4 s", tuple(accs[:5]), tuple(first_posts),
                         target=hostile(2), at=T0, values={"gap_seconds": 4, hostile(5): 1}),
                Evidence("co-repost", "reposted the same post", tuple(accs[:3]), ("javascript:window.__pwned='postid'",),
                         target="10000000", at=T0 + timedelta(seconds=30), values={"gap_seconds": 12}),
            ),
            metrics={"density": 0.8, "median_gap_s": 6.0, "n_shared": 12},
            params={"window": 60, "min_shared": 3, "note": hostile(4)},
        ))
    flood_key = "#" + hostile(7)
    items.append(Finding(
        detector="floods", kind="burst", id="B1", title=f"Flood of {flood_key}", summary="3,000 posts in 2 hours vs 10/hour",
        accounts=tuple(ids[:3]), score=0.7, confidence="medium",
        evidence=(Evidence("burst", f"peak of {hostile(8)}", tuple(ids[:2]), (), target=flood_key, at=T0),),
        params={"bin_seconds": 600},
    ))
    orig, fake = ids[-2], ids[-1]
    items.append(Finding(
        detector="impersonation", kind="impersonation", id=f"{orig}-{fake}", title=f"@{hostile(1)} looks like a watched account",
        summary="handle one character off, same display name", accounts=(orig, fake), score=0.95, confidence="high",
        roles={orig: "original", fake: "impersonator"}, params={"max_edit_distance": 2},
    ))
    items.append(Finding(
        detector="laundering", kind="candidate", id="L1", title="steady minority of campaign posts", summary=hostile(3),
        accounts=(ids[0],), score=0.3, confidence="low", params={"share": 0.2},
    ))
    by_det: dict[str, Findings] = {}
    for f in items:
        by_det.setdefault(f.detector, Findings(f.detector, dict(f.params))).items.append(f)

    flat = [(cid, a) for cid, accs in members.items() for a in accs]
    by_det["coordination"].tables = {
        "members": pa.table({"cluster_id": [c for c, _ in flat], "account_id": [a for _, a in flat],
                             "degree": [len(members[c]) - 1 for c, _ in flat], "strength": [float(int(a) % 17) for _, a in flat]}),
        "clusters": pa.table({
            "cluster_id": list(members), "size": [len(v) for v in members.values()],
            "kinds": [["link", "repost"]] * clusters, "top_targets": [[hostile(2), hostile(0)]] * clusters,
            "start": [T0] * clusters, "end": [T0 + timedelta(hours=2)] * clusters, "median_gap_s": [6.0] * clusters,
            "density": [0.8] * clusters, "score": [round(0.9 - 0.5 * c / max(1, clusters), 4) for c in range(clusters)],
            "confidence": [conf[c % 3] for c in range(clusters)],
        }),
        "edges": _ring_edges(members),
        "calibration": pa.table({"kind": ["link"], "window_s": [60], "threshold": [3.0], "n_edges": [n],
                                 "expected_chance_edges": [0.4], "chance_share": [0.001]}),
    }
    by_det["floods"].tables = {
        "bursts": pa.table({
            "burst_id": ["B1"], "key": [flood_key], "key_kind": ["hashtag"], "start": [T0 + timedelta(hours=1)],
            "end": [T0 + timedelta(hours=3)], "volume": [3000], "peak_rate": [400.0], "baseline_rate": [10.0],
            "n_accounts": [3], "top1_share": [0.5], "top10_share": [1.0], "new_account_share": [0.9],
            "dup_text_share": [0.8], "repost_share": [0.1], "coordinated_share": [0.7], "p_value": [1e-12],
            "score": [0.7], "reason": [hostile(0)],
        }),
        "series": pa.table({"key": [flood_key] * 24, "bin_start": [T0 + timedelta(minutes=30 * i) for i in range(24)],
                            "bin_seconds": [1800] * 24, "count": [10 if i not in (3, 4, 5) else 900 for i in range(24)]}),
    }
    by_det["impersonation"].tables = {
        "pairs": pa.table({
            "original_id": [orig], "impersonator_id": [fake], "original_handle": [accounts[-2]["handle"]],
            "impersonator_handle": [accounts[-1]["handle"]], "lookalike_class": ["one character replaced"],
            "edit_distance": [1], "name_similarity": [1.0], "avatar_distance": [4.0], "score": [0.95],
            "confidence": ["high"], "reasons": [["same display name", hostile(1)]],
        }),
    }
    by_det["laundering"].tables = {"candidates": pa.table({"account_id": [ids[0]], "share": [0.2], "note": [hostile(0)]})}
    store_findings(ws, by_det)
    ws.write_table("spoofed_domains_hits", pa.table({
        "domain": [hostile(2), "examp1e-news.com"], "outlet_domain": ["example-news.com"] * 2,
        "lookalike_class": ["homoglyph", "typo"], "n_posts": [3, 5], "n_accounts": [2, 2], "first_at": [T0] * 2, "last_at": [T0] * 2,
    }))
    ws.write_table("personas_batches", pa.table({"batch_id": ["P1"], "created_from": [T0], "created_to": [T0 + timedelta(hours=1)],
                                                 "size": [4], "traits": [["handle template", hostile(7)]]}))
    return {"members": members, "impersonation": (orig, fake), "accounts": ids, "flood_key": flood_key}


def _ring_edges(members: dict[str, list[str]]) -> pa.Table:
    pairs = sorted({tuple(sorted((accs[i], accs[(i + step) % len(accs)])))
                    for accs in members.values() for i in range(len(accs)) for step in (1, 2) if (i + step) % len(accs) != i})
    # one link row and one combined row per pair, as the coordination detector writes them (tables.md)
    a, b = [p[0] for p in pairs] * 2, [p[1] for p in pairs] * 2
    kinds = ["link"] * len(pairs) + ["combined"] * len(pairs)
    m = len(a)
    return pa.table({
        "account_a": a, "account_b": b, "kind": kinds, "kinds": [["link"]] * m, "n_shared": [3] * m, "n_coactions": [4] * m,
        "weight": [1.0 + (i % 5) for i in range(m)], "min_gap_s": [2.0] * m, "median_gap_s": [6.0] * m,
        "first_at": [T0] * m, "last_at": [T0 + timedelta(hours=1)] * m,
    })
