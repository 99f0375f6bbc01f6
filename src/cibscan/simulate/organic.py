"""Organic traffic, one day (or part of a day) at a time.

A day's quota of posts is split into original posts, reposts, replies and quotes. Originals
follow each author's home-time-zone daily rhythm; some share news articles (often through a
share button's identical "headline URL via @outlet" text), other links, trending hashtags or
greeting memes. Reposts come from three organic mechanisms that fool naive co-repost
detection:

* **hub cascades**: popular posts reposted by hundreds to tens of thousands of accounts, a
  share of them within seconds (notification-driven reposting), with cascade sizes drawn from
  a power law (Goel et al. 2016, "The structural virality of online diffusion");
* **fans**: fan clubs reposting their celebrity quickly, post after post;
* **casual** reposts of recent posts.

Everything a day produces (its reactions included) is one batch, so reaction counts and
references never cross batches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .accounts import HOSTILE
from .domains import SHORTENER
from .posts import POST, QUOTE, REPLY, Numbering, concat_batches, make_batch, repost_rows
from .text import EMOJI, join_ids, join_parts, lists_of, random_codes

__all__ = ["generate_day", "expected_posts", "build_originals", "compose_originals", "diurnal_times", "DIURNAL", "pick_weighted", "Article"]

#: relative activity per local hour (0-23): quiet nights, evening peak
DIURNAL = np.array([0.55, 0.35, 0.22, 0.15, 0.13, 0.2, 0.4, 0.7, 0.95, 1.05, 1.05, 1.1,
                    1.15, 1.1, 1.05, 1.05, 1.1, 1.2, 1.3, 1.42, 1.5, 1.4, 1.15, 0.85])
_DIURNAL_CDF = np.cumsum(DIURNAL) / DIURNAL.sum()

# content types of original posts
PLAIN, NEWS, OTHER_LINK, SHORT_LINK, TREND, MEME, OUTLET = range(7)

SHARE = {  # composition of a day's organic posts
    "repost": 0.40,
    "reply": 0.09,
    "quote": 0.03,
}
_TAG_COUNTS = np.array([0.72, 0.18, 0.07, 0.03])
_UTM = "?utm_source=twitter&utm_medium=social"
#: fans repost their celebrity after a log-normal delay with this median (a minute or less
#: for about one repost in eight)
FAN_DELAY_MEDIAN_S = 240
#: how much likelier a celebrity's post is to start a hub cascade than its followers alone say
CELEBRITY_VIRAL_BOOST = 30.0


def expected_posts(acc, idx: np.ndarray, organic_total: float) -> np.ndarray:
    """About how many organic posts accounts ``idx`` will get: their share of each weight the
    day generator draws authors by (originals, replies and quotes by activity; casual reposts
    by activity x repost affinity; hub cascades by its square root x affinity), ignoring
    creation dates."""
    a, r = acc.activity, acc.rt_affinity
    reposts = SHARE["repost"]
    own = 1 - reposts
    return organic_total * (own * a[idx] / a.sum()
                            + 0.4 * reposts * a[idx] * r[idx] / (a * r).sum()
                            + 0.6 * reposts * np.sqrt(a[idx]) * r[idx] / (np.sqrt(a) * r).sum())


def pick_weighted(rng: np.random.Generator, weights: np.ndarray, size: int) -> np.ndarray:
    """``size`` indices drawn with replacement with probability proportional to ``weights``."""
    cum = np.cumsum(weights, dtype=np.float64)
    if size == 0 or cum[-1] <= 0:
        return np.zeros(0, dtype=np.int64)
    return np.minimum(np.searchsorted(cum, rng.random(size) * cum[-1], side="right"), len(cum) - 1)


def diurnal_times(rng: np.random.Generator, day_start: int, tz: np.ndarray) -> np.ndarray:
    """One time per row within the UTC day starting at ``day_start``, following the daily
    rhythm in each row's home time zone ``tz`` (hours)."""
    n = len(tz)
    local_h = np.searchsorted(_DIURNAL_CDF, rng.random(n))
    sec = ((local_h - tz) * 3600.0 + rng.random(n) * 3600.0) % 86_400
    return day_start + sec.astype(np.int64)


def _lognormal_delay(rng: np.random.Generator, n: int, median: float, sigma: float) -> np.ndarray:
    return np.maximum(1, np.exp(np.log(median) + sigma * rng.standard_normal(n))).astype(np.int64)


def _clients(rng: np.random.Generator, world, accounts: np.ndarray) -> np.ndarray:
    main = world.accounts.client[accounts]
    other = rng.integers(0, 6, size=len(accounts)).astype(np.int8)
    return np.where(rng.random(len(accounts)) < 0.85, main, other)


@dataclass
class Article:
    """News articles published in one batch: outlet, time, headline, URL."""

    outlet: np.ndarray
    t: np.ndarray
    headline: pa.StringArray
    url: pa.StringArray
    weight: np.ndarray


def _articles(world, rng: np.random.Generator, day_start: int, n: int) -> Article:
    outlets = world.outlets
    w = world.outlet_weight
    which = pick_weighted(rng, w, n)
    t = day_start + rng.integers(6 * 3600, 23 * 3600, size=n)
    langs = world.outlet_lang[which]
    head = join_ids(world.vocab.sample_words(rng, langs, rng.integers(7, 13, size=n)), world.vocab.words)
    slugs = join_ids(world.vocab.sample_words(rng, np.zeros(n, np.int8), rng.integers(3, 6, size=n)), world.vocab.words, "-").to_pylist()
    numbers = rng.integers(10_000, 999_999, size=n)
    d = datetime.fromtimestamp(day_start, tz=timezone.utc)
    urls = []
    for i in range(n):
        o = outlets[which[i]]
        sec = o.sections[int(numbers[i]) % len(o.sections)]
        urls.append(f"https://www.{o.domain}/{sec}/{d.year}/{d.month:02d}/{d.day:02d}/{slugs[i]}-{numbers[i]}")
    weight = 1.0 / (1.0 + rng.permutation(n)) ** 0.9 * w[which]
    return Article(which, t, head, pa.array(urls, pa.string()), weight)


def _url_variants(rng: np.random.Generator, urls: pa.StringArray, mobile: np.ndarray) -> pa.StringArray:
    """The same article as people actually paste it: tracking parameters, the mobile host,
    no ``www``, plain ``http`` (what link normalisation must undo)."""
    x = rng.random(len(urls))
    utm = pc.binary_join_element_wise(urls, pa.scalar(_UTM), "")
    m_host = pc.replace_substring(urls, "https://www.", "https://m.", max_replacements=1)
    http = pc.replace_substring(urls, "https://www.", "http://", max_replacements=1)
    out = pc.if_else(pa.array(x < 0.15), utm, urls)
    out = pc.if_else(pa.array((x >= 0.15) & (x < 0.25) & mobile), m_host, out)
    return pc.if_else(pa.array((x >= 0.25) & (x < 0.30)), http, out)


def single_urls(url: pa.StringArray) -> pa.ListArray:
    """One-or-no URL per row (``""`` = none) as the list column of a batch."""
    has = pc.not_equal(url, "").to_numpy(zero_copy_only=False)
    offsets = np.zeros(len(has) + 1, np.int32)
    np.cumsum(has, out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), url.filter(pa.array(has)))


def build_originals(world, rng: np.random.Generator, numbering: Numbering, authors: np.ndarray, times: np.ndarray,
                    langs: np.ndarray, body: pa.StringArray, *, tag_ids: np.ndarray | None = None,
                    url: pa.StringArray | list | None = None, mention_ids: np.ndarray | None = None,
                    suffix: pa.StringArray | None = None, emoji_share: float = 0.0) -> pa.Table:
    """Original posts from their parts, written as the platform writes them: mentions first,
    the words, hashtags, a t.co link when the post links a URL (``url``: one per row, ``""``
    for none; the expanded URL goes to the ``urls`` column)."""
    vocab = world.vocab
    n = len(authors)
    parts = []
    mentions = None
    if mention_ids is not None:
        parts.append(join_ids(mention_ids, world.at_handles))
        has = mention_ids >= 0
        mentions = pa.ListArray.from_arrays(pa.array(np.concatenate([[0], np.cumsum(has)]).astype(np.int32)),
                                            pa.array(mention_ids[has].astype(np.int32)))
    parts.append(body)
    if emoji_share > 0:
        deco = np.where(rng.random(n) < emoji_share, rng.integers(0, len(EMOJI), size=n), len(EMOJI))
        parts.append(_EMOJI_OR_EMPTY.take(pa.array(deco)))
    tags = None
    if tag_ids is not None:
        # a tag appears once per post, in a stable order
        big = np.iinfo(np.int32).max
        srt = np.sort(np.where(tag_ids < 0, big, tag_ids), axis=1)
        dup = np.zeros(srt.shape, dtype=bool)
        dup[:, 1:] = srt[:, 1:] == srt[:, :-1]
        tag_ids = np.where(dup | (srt == big), -1, srt).astype(np.int32)
        tags = lists_of(tag_ids, vocab.tags)
        parts.append(join_ids(tag_ids, vocab.hashtags))
    urls = None
    if url is not None:
        if isinstance(url, list):
            url = pa.array(url, pa.string())
        linked = pc.not_equal(url, "")
        tco = pc.binary_join_element_wise("https://t.co/", random_codes(rng, n, 10), "")
        parts.append(pc.if_else(linked, tco, pa.scalar("", pa.string())))
        urls = single_urls(url)
    if suffix is not None:
        parts.append(suffix)
    return make_batch(
        gidx=numbering.take(n), account=authors, t=times, kind=POST, lang=langs, client=_clients(rng, world, authors),
        text=join_parts(parts), tags=tags, urls=urls, mentions=mentions,
    )


_EMOJI_OR_EMPTY = pa.array(list(EMOJI) + [""], pa.string())
_HOSTILE = pa.array(HOSTILE, pa.string())
#: share of plain organic posts carrying a hostile string
HOSTILE_SHARE = 0.002


def compose_originals(world, rng: np.random.Generator, numbering: Numbering, authors: np.ndarray, times: np.ndarray,
                      ctype: np.ndarray, art: Article | None = None, article_idx: np.ndarray | None = None,
                      forced_tag: np.ndarray | None = None, meme_text: pa.StringArray | None = None) -> pa.Table | None:
    """Organic original posts by ``authors`` at ``times`` with the content type ``ctype`` per
    row (plain, news share, other link, short link, trend, meme, outlet's own article);
    ``meme_text`` gives the text of meme rows (``""`` elsewhere)."""
    vocab = world.vocab
    acc = world.accounts
    n = len(authors)
    if n == 0:
        return None
    langs = acc.lang[authors].copy()
    langs[(rng.random(n) < 0.06) & (ctype == PLAIN)] = 0  # people sometimes write in English
    body = join_ids(vocab.sample_words(rng, langs, rng.integers(4, 20, size=n)), vocab.words)
    # hashtags: background tags (Zipf), plus the trend's tag for trend posts
    k = np.searchsorted(np.cumsum(_TAG_COUNTS), rng.random(n))
    k[(ctype == MEME) | (ctype == OUTLET)] = 0
    tag_ids = np.full((n, 4), -1, np.int32)
    for j in range(3):
        has = k > j
        if has.any():
            tag_ids[has, j] = vocab.sample_tags(rng, langs[has], world.reserved_tags)
    if forced_tag is not None:
        tag_ids[:, 3] = np.where(forced_tag >= 0, forced_tag, -1)
    mention_ids = np.full(n, -1, np.int64)
    has_m = (rng.random(n) < 0.08) & (ctype == PLAIN)
    mention_ids[has_m] = pick_weighted(rng, world.mention_weight, int(has_m.sum()))
    url = pa.repeat(pa.scalar(""), n)
    suffix = None
    is_news = (ctype == NEWS) | (ctype == OUTLET)
    if is_news.any():
        a = np.where(is_news, article_idx, 0)
        outlet = art.outlet[a]
        mobile = world.outlet_mobile[outlet]
        plain = art.url.take(pa.array(a))
        pasted = _url_variants(rng, plain, mobile)
        url = pc.if_else(pa.array(ctype == NEWS), pasted, pc.if_else(pa.array(ctype == OUTLET), plain, url))
        share = 0.35 if "share_buttons" in world.cfg.traps else 0.0
        button = (ctype == NEWS) & (rng.random(n) < share)
        headline = is_news & (button | (ctype == OUTLET))
        body = pc.if_else(pa.array(headline), art.headline.take(pa.array(a)), body)
        langs = np.where(headline, world.outlet_lang[outlet], langs).astype(np.int8)
        via = pc.binary_join_element_wise("via ", world.at_handles.take(pa.array(world.outlet_account[outlet])), "")
        suffix = pc.if_else(pa.array(button), via, pa.scalar(""))
    other = ctype == OTHER_LINK
    if other.any():
        sites = pa.array(world.sites, pa.string()).take(pa.array(pick_weighted(rng, world.site_weight, n)))
        site_url = pc.binary_join_element_wise("https://", sites, "/", random_codes(rng, n, 8), "")
        url = pc.if_else(pa.array(other), site_url, url)
    short = ctype == SHORT_LINK
    if short.any():
        url = pc.if_else(pa.array(short), pc.binary_join_element_wise(f"https://{SHORTENER}/", random_codes(rng, n, 7), ""), url)
    if meme_text is not None:
        body = pc.if_else(pa.array(ctype == MEME), meme_text, body)
    if "hostile_strings" in world.cfg.traps:
        # markup, quotes, SQL, newlines, bidi overrides: what exports and reports must escape
        bad = (rng.random(n) < HOSTILE_SHARE) & (ctype == PLAIN)
        snippet = _HOSTILE.take(pa.array(rng.integers(0, len(HOSTILE), size=n)))
        body = pc.if_else(pa.array(bad), pc.binary_join_element_wise(body, snippet, " "), body)
    return build_originals(world, rng, numbering, authors, times, langs, body, tag_ids=tag_ids, url=url,
                           mention_ids=mention_ids, suffix=suffix, emoji_share=0.07)


def _dedupe_reactions(post_idx: np.ndarray, accts: np.ndarray, n_accounts: int) -> np.ndarray:
    """Positions of the first (post, account) occurrence of each pair, in input order."""
    key = post_idx.astype(np.int64) * n_accounts + accts
    _, first = np.unique(key, return_index=True)
    return np.sort(first)


def _cascades(world, rng, originals: pa.Table, budget: int, weights_rt: np.ndarray, n_active: int, boost: np.ndarray):
    """Hub cascades: which originals go viral and who reposts them when."""
    acc = world.accounts
    authors = originals.column("account").to_numpy()
    n_orig = len(authors)
    if budget <= 0 or n_orig == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
    # cascade sizes: power law (alpha 1.2) above 5, at most 30% of active accounts
    cap = max(5, int(0.3 * n_active))
    draws = np.minimum(cap, (5 * rng.random(budget // 5 + 1) ** (-1 / 1.2)).astype(np.int64))
    m = min(int(np.searchsorted(np.cumsum(draws), budget)) + 1, len(draws), n_orig)
    sizes = np.sort(draws[:m])[::-1]
    w = (acc.followers[authors].astype(float) + 1) ** 0.9 * boost
    m = len(sizes)
    chosen = rng.choice(n_orig, size=m, replace=False, p=w / w.sum())
    chosen = chosen[np.argsort(-w[chosen], kind="stable")]  # bigger cascades for bigger authors
    slots = np.ceil(sizes * 1.25).astype(np.int64) + 3
    casc = np.repeat(np.arange(m), slots)
    who = pick_weighted(rng, weights_rt, int(slots.sum()))
    keep = _dedupe_reactions(casc, who, acc.n)
    casc, who = casc[keep], who[keep]
    ok = who != authors[chosen[casc]]
    casc, who = casc[ok], who[ok]
    start = np.searchsorted(casc, np.arange(m))
    rank = np.arange(len(casc)) - start[casc]
    ok = rank < sizes[casc]
    casc, who = casc[ok], who[ok]
    rows = chosen[casc]
    n = len(rows)
    instant = rng.random(n) < 0.08  # notification-driven reposts within seconds
    delay = np.where(instant, 1 + rng.exponential(8, size=n).astype(np.int64), _lognormal_delay(rng, n, 900, 1.6))
    times = originals.column("t").to_numpy()[rows] + delay
    return rows, who, times


def _fan_reposts(world, rng, originals: pa.Table):
    authors = originals.column("account").to_numpy()
    rows_out, who_out, t_out = [], [], []
    t = originals.column("t").to_numpy()
    for r in np.flatnonzero(np.isin(authors, world.celebrities)):
        fans, p = world.fans[int(authors[r])]
        go = rng.random(len(fans)) < p
        k = int(go.sum())
        if not k:
            continue
        rows_out.append(np.full(k, r))
        who_out.append(fans[go])
        t_out.append(t[r] + _lognormal_delay(rng, k, FAN_DELAY_MEDIAN_S, 1.2))
    if not rows_out:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(rows_out), np.concatenate(who_out), np.concatenate(t_out)


def _reactions(world, rng, originals: pa.Table, n: int, author_w: np.ndarray, target_exp: float, median: float, sigma: float):
    """Replies or quotes (or casual reposts): targets weighted by the author's followers."""
    authors = originals.column("account").to_numpy()
    if n <= 0 or len(authors) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
    tw = world.accounts.followers[authors].astype(float) ** target_exp
    rows = pick_weighted(rng, tw, n)
    who = pick_weighted(rng, author_w, n)
    times = originals.column("t").to_numpy()[rows] + _lognormal_delay(rng, n, median, sigma)
    ok = who != authors[rows]
    return rows[ok], who[ok], times[ok]


def _text_reactions(world, rng, numbering: Numbering, originals: pa.Table, rows, who, times, kind: int) -> pa.Table:
    vocab = world.vocab
    n = len(rows)
    if n == 0:
        return None
    authors = originals.column("account").to_numpy()[rows]
    langs = world.accounts.lang[who].copy()
    body = join_ids(vocab.sample_words(rng, langs, rng.integers(3, 14, size=n)), vocab.words)
    if kind == REPLY:
        text = join_parts([world.at_handles.take(pa.array(authors)), body])
        mentions = pa.ListArray.from_arrays(pa.array(np.arange(n + 1, dtype=np.int32)), pa.array(authors.astype(np.int32)))
    else:
        link = pc.binary_join_element_wise("https://t.co/", random_codes(rng, n, 10), "")
        text = join_parts([body, link])
        mentions = None
    return make_batch(
        gidx=numbering.take(n), account=who, t=times, kind=kind, lang=langs, client=_clients(rng, world, who), text=text,
        ref=originals.column("id").to_numpy()[rows], ref_account=authors, mentions=mentions,
    )


def _share_of_part(total: int, part: int, n_parts: int) -> int:
    """Part ``part``'s share of ``total`` items split as evenly as possible."""
    return total // n_parts + (1 if part < total % n_parts else 0)


def generate_day(world, day: int, part: int, n_parts: int, quota: int, gidx0: int) -> pa.Table:
    """Exactly ``quota`` organic posts for part ``part`` of day ``day`` (0-based), numbered
    from ``gidx0``; their reactions included."""
    from .streams import stream

    cfg = world.cfg
    rng = stream(cfg.seed, "organic", day, part)
    acc = world.accounts
    day_start = cfg.t0 + day * 86_400
    numbering = Numbering(gidx0)
    active = (acc.created < day_start).astype(float)
    w_post = acc.activity * active
    w_rt = acc.activity * acc.rt_affinity * active
    w_casc = np.sqrt(acc.activity) * acc.rt_affinity * active
    n_active = int(active.sum())

    n_rt = int(round(quota * SHARE["repost"]))
    n_reply = int(round(quota * SHARE["reply"]))
    n_quote = int(round(quota * SHARE["quote"]))
    n_orig = quota - n_rt - n_reply - n_quote

    # planned originals of this day: trend posts, memes, outlets' own articles
    n_trend = [_share_of_part(int(counts[day]), part, n_parts) for counts in world.trend_counts]
    memes_today = [(i, m) for i, m in enumerate(world.memes) if m.day == day]
    n_meme = [_share_of_part(m.count, part, n_parts) for _, m in memes_today]
    n_articles = max(3, int(0.012 * n_orig))
    art = _articles(world, rng, day_start, n_articles)
    planned = sum(n_trend) + sum(n_meme) + n_articles
    if planned > n_orig:  # a trend's peak day: fewer reactions, never more posts than the quota
        n_orig = planned
        n_reply = min(n_reply, quota - n_orig)
        n_quote = min(n_quote, quota - n_orig - n_reply)
        n_rt = quota - n_orig - n_reply - n_quote
    n_regular = n_orig - planned

    authors = [pick_weighted(rng, w_post, n_regular)]
    times = [diurnal_times(rng, day_start, acc.tz[authors[0]])]
    u = rng.random(n_regular)
    ct = np.where(u < 0.12, NEWS, np.where(u < 0.15, OTHER_LINK, np.where(u < 0.16, SHORT_LINK, PLAIN)))
    ctypes = [ct]
    article_idx = [np.where(ct == NEWS, pick_weighted(rng, art.weight, n_regular), -1)]
    # news shares happen after publication (most within hours)
    news = ct == NEWS
    times[0][news] = np.minimum(art.t[article_idx[0][news]] + _lognormal_delay(rng, int(news.sum()), 2400, 1.3), cfg.t1 - 1)
    forced = [np.full(n_regular, -1, np.int32)]
    meme_text: list[str] = [""] * n_regular
    for i, k in enumerate(n_trend):
        if k <= 0:
            continue
        tr = world.trends[i]
        broad = np.sqrt(np.sqrt(acc.activity)) * active * (acc.lang == tr.lang)
        a = pick_weighted(rng, broad, k)
        authors.append(a)
        times.append(tr.sample_times(rng, day_start, k))
        ctypes.append(np.full(k, TREND))
        article_idx.append(np.full(k, -1))
        forced.append(np.full(k, tr.tag, np.int32))
        meme_text += [""] * k
    for (mi, m), k in zip(memes_today, n_meme):
        if k <= 0:
            continue
        broad = np.sqrt(np.sqrt(acc.activity)) * active * (acc.lang == m.lang)
        a = pick_weighted(rng, broad, k)
        authors.append(a)
        times.append(diurnal_times(rng, day_start, acc.tz[a]))
        ctypes.append(np.full(k, MEME))
        article_idx.append(np.full(k, -1))
        forced.append(np.full(k, -1, np.int32))
        meme_text += [m.text] * k
    authors.append(world.outlet_account[art.outlet])
    times.append(art.t.copy())
    ctypes.append(np.full(n_articles, OUTLET))
    article_idx.append(np.arange(n_articles))
    forced.append(np.full(n_articles, -1, np.int32))
    meme_text += [""] * n_articles
    cat = np.concatenate
    ctypes = cat(ctypes)
    originals = compose_originals(world, rng, numbering, cat(authors), cat(times), ctypes, art, cat(article_idx),
                                  cat(forced), pa.array(meme_text, pa.string()))
    # trending posts go viral more often; a celebrity's posts nearly always do
    all_authors = cat(authors)
    boost = np.where(ctypes == TREND, 3.0, 1.0) * np.where(np.isin(all_authors, world.celebrities), CELEBRITY_VIRAL_BOOST, 1.0)

    # reposts: fans first, then hub cascades, then casual; one repost per account and post
    parts = []
    if "fans" in cfg.traps:
        parts.append(_fan_reposts(world, rng, originals))
    fan_n = sum(len(p[0]) for p in parts)
    if fan_n > 0.3 * n_rt:  # keep fan clubs a minority of reposts in small scenarios
        keep = np.sort(rng.choice(fan_n, size=int(0.3 * n_rt), replace=False))
        parts = [tuple(x[keep] for x in parts[0])]
        fan_n = len(keep)
    if "hub_cascades" in cfg.traps:
        parts.append(_cascades(world, rng, originals, int(0.6 * n_rt), w_casc, n_active, boost))
    casual_n = n_rt - sum(len(p[0]) for p in parts)
    parts.append(_reactions(world, rng, originals, casual_n, w_rt, 0.5, 3600, 1.5))
    rows, who, rt_t = (np.concatenate([p[i] for p in parts]) for i in range(3))
    keep = _dedupe_reactions(rows, who, acc.n)
    rows, who, rt_t = rows[keep], who[keep], rt_t[keep]
    ok = (rt_t < cfg.t1) & (who != originals.column("account").to_numpy()[rows])
    rows, who, rt_t = rows[ok][:n_rt], who[ok][:n_rt], rt_t[ok][:n_rt]
    reposts = repost_rows(originals, rows, who, rt_t, numbering.take(len(rows)), world.handles, _clients(rng, world, who))

    r_rows, r_who, r_t = _reactions(world, rng, originals, n_reply, w_post, 0.6, 900, 1.4)
    ok = r_t < cfg.t1
    replies = _text_reactions(world, rng, numbering, originals, r_rows[ok], r_who[ok], r_t[ok], REPLY)
    q_rows, q_who, q_t = _reactions(world, rng, originals, n_quote, w_post, 0.8, 1800, 1.4)
    ok = q_t < cfg.t1
    quotes = _text_reactions(world, rng, numbering, originals, q_rows[ok], q_who[ok], q_t[ok], QUOTE)

    # whatever reactions fell short (duplicates, past the end) becomes plain originals
    short = gidx0 + quota - numbering.next
    extra = None
    if short > 0:
        a = pick_weighted(rng, w_post, short)
        extra = compose_originals(world, rng, numbering, a, diurnal_times(rng, day_start, acc.tz[a]), np.full(short, PLAIN))
    batch = concat_batches([originals, reposts, replies, quotes, extra])
    assert batch.num_rows == quota, (batch.num_rows, quota)
    return batch
