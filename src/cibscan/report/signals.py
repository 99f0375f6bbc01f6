"""Plain-language meaning of each signal, for the report's methods section.

Investigators defend a finding in a takedown request or a published story, so each signal the
report shows is explained in words: what it measures and what it cannot tell. Keys are the
detector names and the metric/column names detectors use (contracts.md); a detector not listed
here is still shown, with its own one-line summary and parameter docs from ``DETECTORS``.
"""

from __future__ import annotations

__all__ = ["DETECTOR_MEANING", "SIGNAL_MEANING", "FLAG_PROVES", "FLAG_DOES_NOT_PROVE"]

DETECTOR_MEANING = {
    "coordination": (
        "Accounts that repeatedly performed the same action on the same target (reposted the same "
        "post, shared the same link or domain, used the same hashtag sequence, posted near-identical "
        "text, replied to or mentioned the same account) within a short time window of each other, "
        "more often than chance would give in this data. Pairs above the calibrated threshold form a "
        "network, and densely linked groups in it are the clusters (Leiden community detection). "
        "Method: co-action networks as in CooRnet/CooRTweet (Giglietto et al.; Righetti & Balluff) "
        "and coordination-network-toolkit (Graham et al.)."
    ),
    "floods": (
        "A hashtag or phrase whose volume rose far above its own baseline in a short time, with a "
        "description of who drove it: how concentrated the posting was (top-1/top-10 shares), how "
        "many accounts were new, how much was copy-pasted or reposted, and how much came from "
        "coordinated clusters."
    ),
    "personas": (
        "Batches of accounts created close together that share templates (handle patterns, bios, "
        "avatars): a sign of accounts set up in bulk."
    ),
    "amplifiers": "Accounts that repeatedly amplify the same source within minutes of it posting, ahead of organic audiences.",
    "impersonation": (
        "Accounts whose handle is a look-alike of a watched or prominent account (one character "
        "off, swapped homoglyphs, added separators), with similar display names and, where images "
        "exist, near-identical avatars (perceptual hashes)."
    ),
    "spoofed_domains": (
        "Shared links to domains that look like a real outlet's domain (typosquats, homoglyphs, "
        "added words, other top-level domains), as dnstwist would generate them."
    ),
    "laundering": (
        "Accounts whose timelines are mostly unrelated but carry a steady minority of posts that "
        "match a campaign's coordinated content."
    ),
}

SIGNAL_MEANING = {
    "n_shared": "Distinct targets (posts, links, tags, texts) two accounts both acted on within the window.",
    "n_coactions": "Times two accounts acted on the same target within the window.",
    "weight": "Edge strength: shared targets weighted by how rare each target is (a target many accounts use counts less).",
    "min_gap_s": "Shortest time, in seconds, between the two accounts' actions on a shared target.",
    "median_gap_s": "Median time, in seconds, between co-actions: seconds-long gaps repeated many times are rarely organic.",
    "density": "Share of the possible pairs in a cluster that are linked: 1.0 means every member co-acted with every other.",
    "chance_share": "Expected share of the edges that chance alone would create at this threshold (from shuffling times).",
    "peak_rate": "Highest posting rate of the key during the burst (posts per bin).",
    "baseline_rate": "Typical rate of the key outside the burst.",
    "top1_share": "Share of the burst's posts written by its single most active account.",
    "top10_share": "Share of the burst's posts written by its ten most active accounts.",
    "new_account_share": "Share of the burst's accounts created shortly before it.",
    "dup_text_share": "Share of the burst's posts that are near-duplicates of another post in it.",
    "repost_share": "Share of the burst's posts that are reposts.",
    "coordinated_share": "Share of the burst's posts from accounts in coordination clusters.",
    "p_value": "Probability of a burst at least this large if the key kept its baseline rate (Poisson).",
    "lookalike_class": "How the handle or domain differs from the original (e.g. one character replaced, homoglyph, added word).",
    "edit_distance": "Characters to change to turn one handle into the other.",
    "name_similarity": "Similarity of the display names, 0 (unrelated) to 1 (identical).",
    "avatar_distance": "Perceptual-hash distance between profile images: small means the same picture, resized or recompressed.",
    "aligned_share": "Share of an account's posts that carry a campaign's lines (same near-duplicate text, link, domain, hashtag or hashtag block).",
    "n_in_window": "Aligned posts that fell in the campaign's active hours (set by the other campaign accounts' posts).",
    "expected_in_window": "Aligned posts expected in the campaign's active hours if they were a random choice among the account's own post times.",
    "q_value": "A p-value corrected for the number of accounts tested (Benjamini-Hochberg): the expected share of false flags among those at or below it.",
    "score": "Strength in [0, 1], for ranking findings against each other; its meaning in words is the confidence grade.",
}

FLAG_PROVES = (
    "A flag shows a behavioural pattern in this data: accounts acting together, in bursts, in "
    "templates or as look-alikes, more than chance or organic behaviour usually explains. Every "
    "flag lists the posts, targets and time gaps behind it so that anyone can check it."
)

FLAG_DOES_NOT_PROVE = (
    "A flag does not show who runs the accounts, why they act, or that they are automated or "
    "paid: fans, newsrooms, activists and shared posting tools can also act together. It says "
    "nothing about whether what they post is true or which side it takes; cibscan never looks at "
    "viewpoint. What the data does not hold (deleted posts, private activity, other platforms) is "
    "not seen. Treat a flag as evidence to review, and weigh it by its confidence grade."
)
