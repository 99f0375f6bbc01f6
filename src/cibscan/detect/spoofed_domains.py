"""Spoofed outlets: shared links to domains that copy a watchlisted news outlet's domain.

Method
------
Every URL in ``posts.urls`` is reduced to its host in the workspace engine; the distinct hosts
(far fewer than URLs) are tested in Python against the watchlist's outlet domains
(``lookalike.domains.OutletMatcher``): the registered domain (public-suffix aware, through
ural's bundled Public Suffix List; IDN labels decoded) carries the outlet's brand on another
suffix (``tld_swap``), reads the same (``homoglyph``, ``hyphenation``), is one edit away (the
dnstwist classes ``addition``, ``omission``, ``transposition``, ...), adds a word
(``added_word``), or puts the outlet's domain in a subdomain of another domain (``subdomain``).
The outlet's own domains and subdomains are never flagged; short brands only match exactly or
as homoglyphs. The matching hosts are joined back to the posts for counts, time span, accounts
and sample posts.

What a hit shows: a domain built to be read as the outlet's was shared in the data. What it
does not show: that the site is malicious, or that the sharers knew; check the page and the
domain's registration before calling it a spoof.

References: dnstwist (Ulikowski), the permutation classes; the Public Suffix List via ural
(médialab); Unicode TR39 (skeletons) for IDN homographs.
"""

from __future__ import annotations

import math
from typing import Any

import ibis
import pyarrow as pa

from ..findings import Evidence, Finding, confidence_for
from ..lookalike import OutletMatcher, visible
from ..watchlist import read_watchlist
from .base import Detector, Param

__all__ = ["SpoofedDomains", "detect", "HITS_SCHEMA", "CLASS_WEIGHT"]

#: Columns of ``spoofed_domains_hits`` (the contract's seven, then details).
HITS_SCHEMA = pa.schema([
    ("domain", pa.string()), ("outlet_domain", pa.string()), ("lookalike_class", pa.string()), ("n_posts", pa.int64()),
    ("n_accounts", pa.int64()), ("first_at", pa.timestamp("us")), ("last_at", pa.timestamp("us")),
    ("outlet_name", pa.string()), ("hosts", pa.list_(pa.string())), ("distance", pa.int64()), ("score", pa.float64()),
    ("confidence", pa.string()),
])

#: How strongly each class alone says "built to be mistaken for the outlet" (an IDN homograph
#: or the outlet's domain in a subdomain is deliberate; an added word is the weakest).
CLASS_WEIGHT = {
    "homoglyph": 0.8, "subdomain": 0.7, "bitsquatting": 0.5, "transposition": 0.65, "omission": 0.6, "repetition": 0.6,
    "replacement": 0.6, "insertion": 0.6, "addition": 0.55, "vowel_swap": 0.6, "hyphenation": 0.55, "tld_swap": 0.5,
    "added_word": 0.4,
}
_HOST_RE = r"^(?:[a-zA-Z][a-zA-Z0-9+.\-]*://)?(?:[^@/?#]*@)?([^/?#:\s]+)"


class SpoofedDomains(Detector):
    name = "spoofed_domains"
    summary = "Links to domains that copy a watchlisted outlet's domain (TLD swap, homoglyph, one edit, added word)."
    references = (
        "dnstwist, domain name permutation engine (Ulikowski)",
        "Public Suffix List (publicsuffix.org), via ural (médialab, Sciences Po)",
        "Unicode Technical Standard #39, confusable detection (IDN homographs)",
    )
    params = {
        "watchlist": Param(None, "Watchlist file with outlet rows; default: the workspace's stored watchlist.", str, nullable=True),
        "min_edit_length": Param(5, "Outlet brands shorter than this are matched only exactly or as homoglyphs.", int, low=1),
        "min_brand_length": Param(4, "Outlet brands shorter than this are not matched by TLD swap, added word or subdomain.", int, low=1),
        "max_examples": Param(5, "Sample posts kept as evidence per domain.", int, low=0),
        "min_account_posts": Param(2, "Posts linking lookalike domains (any) that make an account a 'sharer'; accounts with fewer are listed as 'shared_once' and not implicated.", int, low=1),
    }

    def _detect(self, ws, p):
        empty = {"hits": HITS_SCHEMA.empty_table()}
        outlets = [(e.domain, e.display_name) for e in read_watchlist(ws, p["watchlist"]) if e.kind == "outlet" and e.domain]
        if not outlets:
            return self.findings(p, tables=empty, notes=["no outlet domains to protect: give a watchlist with outlet rows"])
        if not ws.has_table("posts") or ws.count("posts") == 0:
            return self.findings(p, tables=empty, notes=["no posts in the workspace"])
        matcher = OutletMatcher(outlets, p["min_edit_length"], p["min_brand_length"])
        posts = ws.table("posts")
        links = posts.select("platform", "post_id", "account_id", "created_at", url=posts.urls.unnest())
        links = links.mutate(raw_host=links.url.re_extract(_HOST_RE, 1).lower())
        hosts = ws.con.to_pyarrow(links.select("raw_host").distinct()).column("raw_host").to_pylist()
        self._progress(f"spoofed_domains: {len(hosts):,} distinct hosts against {len(matcher)} outlet domains")
        rows = [{"raw_host": h, "host": m.host, "domain": m.domain, "outlet_domain": m.outlet_domain, "outlet_name": m.outlet_name,
                 "lookalike_class": m.lookalike_class, "distance": m.distance}
                for h in hosts if h for m in matcher.match(h)]
        if not rows:
            return self.findings(p, tables=empty)
        hit = ibis.memtable(pa.Table.from_pylist(rows))
        j = links.join(hit, "raw_host")
        keys = ["domain", "outlet_domain", "lookalike_class", "outlet_name", "distance"]
        agg = j.group_by(keys).aggregate(
            n_posts=j.post_id.nunique(), n_accounts=j.account_id.nunique(), first_at=j.created_at.min(), last_at=j.created_at.max(),
            hosts=j.host.collect(distinct=True), accounts=j.account_id.collect(distinct=True),
        )
        w = ibis.window(group_by=[j.domain, j.outlet_domain], order_by=[j.created_at, j.post_id])
        firsts = j.mutate(rn=ibis.row_number().over(w)).filter(lambda t: t.rn < p["max_examples"])
        samples = firsts.group_by(["domain", "outlet_domain"]).aggregate(
            sample_posts=firsts.post_id.collect(), sample_urls=firsts.url.collect())
        data = ws.con.to_pyarrow(agg.left_join(samples, ["domain", "outlet_domain"]).order_by(["domain", "outlet_domain"])).to_pylist()
        # an account that linked a lookalike domain once may have been fooled by it: only accounts
        # with several posts linking lookalike domains (any of them) are implicated ("sharer");
        # the others stay listed, as "shared_once"
        per = j.group_by("account_id").aggregate(n=j.post_id.nunique())
        repeat = set(ws.con.to_pyarrow(per.filter(per.n >= p["min_account_posts"]).select("account_id")).column(0).to_pylist())
        findings, table = [], []
        by_domain: dict[str, list[dict]] = {}
        for r in data:
            strength = CLASS_WEIGHT.get(r["lookalike_class"], 0.5)
            spread = min(1.0, math.log10(1 + r["n_accounts"]) / 2)
            r["score"] = round(min(1.0, 0.8 * strength + 0.2 * spread), 4)
            r["confidence"] = confidence_for(strength / 0.5 * (1 + spread), 1 + (r["n_accounts"] >= 3))
            table.append({k: r.get(k) for k in HITS_SCHEMA.names})
            by_domain.setdefault(r["domain"], []).append(r)
        for domain, matches in sorted(by_domain.items()):
            findings.append(self._finding(p, domain, sorted(matches, key=lambda r: -r["score"]), repeat))
        findings.sort(key=lambda f: (-f.score, f.id))
        return self.findings(p, findings, tables={"hits": pa.Table.from_pylist(table, schema=HITS_SCHEMA)})

    def _finding(self, p, domain: str, matches: list[dict], repeat: set[str]) -> Finding:
        best = matches[0]
        shown = visible(domain)
        outlet = visible(best["outlet_domain"])
        name = f" ({visible(best['outlet_name'])})" if best["outlet_name"] else ""
        ev = [Evidence(
            "lookalike domain",
            f"{shown} copies the outlet domain {outlet}{name}: {m['lookalike_class']}"
            + (f", {m['distance']} edit(s)" if m["distance"] and m["lookalike_class"] not in ("added_word", "subdomain", "tld_swap") else "")
            + (f"; hosts seen: {', '.join(visible(h) for h in m['hosts'][:5])}" if m["hosts"] else ""),
            target=m["outlet_domain"], values={"class": m["lookalike_class"], "distance": m["distance"]},
        ) for m in matches]
        if domain.encode("ascii", "ignore").decode() != domain:
            ev.append(Evidence("internationalised domain", f"{shown} contains non-ASCII letters (an IDN); it is written "
                               f"{domain.encode('idna').decode('ascii') if _idna_ok(domain) else 'in punycode'} in the DNS", target=domain))
        ev.append(Evidence(
            "shared in posts", f"{best['n_posts']} post(s) by {best['n_accounts']} account(s) linked to it between "
            f"{best['first_at']} and {best['last_at']}", tuple(best["accounts"][:50]), tuple(best["sample_posts"] or []),
            target=domain, at=best["first_at"], values={"n_posts": best["n_posts"], "n_accounts": best["n_accounts"],
                                                        "sample_urls": [visible(u) for u in (best["sample_urls"] or [])]},
        ))
        statement = {
            "high": "the domain is built to be read as the outlet's and was spread by several accounts.",
            "medium": "the domain is built to be read as the outlet's; check the page and its registration before calling it a spoof.",
            "low": "a lead: the name resembles the outlet's, which fan sites, parodies and unrelated businesses also do.",
        }[best["confidence"]]
        return Finding(
            detector=self.name, kind="domain", id=domain, title=f"{shown} imitates {outlet}",
            summary=f"{shown} imitates {outlet}{name} ({best['lookalike_class']}); linked in {best['n_posts']} post(s) by "
                    f"{best['n_accounts']} account(s). {best['confidence'].capitalize()} confidence: {statement}",
            accounts=tuple(best["accounts"]), score=float(best["score"]), confidence=best["confidence"], evidence=tuple(ev),
            metrics={"outlet_domain": best["outlet_domain"], "lookalike_class": best["lookalike_class"], "n_posts": best["n_posts"],
                     "n_accounts": best["n_accounts"]},
            params=p, roles={a: "sharer" if a in repeat else "shared_once" for a in best["accounts"]},
        )


def _idna_ok(domain: str) -> bool:
    try:
        domain.encode("idna")
    except UnicodeError:
        return False
    return True


def detect(ws, **params) -> Any:
    """Function form: ``SpoofedDomains(**params).detect(ws)``."""
    return SpoofedDomains(**params).detect(ws)
