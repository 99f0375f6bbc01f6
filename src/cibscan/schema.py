"""The canonical tables every ingest adapter produces and every detector reads.

Each table is declared once, as data: column name, Arrow type and what it means. The Arrow
schemas, the workspace DDL and ``docs/schema.md`` are all derived from these declarations
(``tests/test_schema_docs.py`` fails when the docs drift; regenerate them with
``CIBSCAN_UPDATE_DOCS=1 pytest tests/test_schema_docs.py``).

Conventions
-----------
* Ids are strings exactly as the source gives them (hashed ids in X/Twitter archives are kept
  as they are). ``(platform, post_id)`` and ``(platform, account_id)`` identify a row.
* Times are UTC, stored as timezone-naive ``timestamp[us]``.
* List columns are never null: an absent list is ``[]``; an empty string is never a value.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

__all__ = [
    "Column",
    "POSTS",
    "ACCOUNTS",
    "REJECTS",
    "SOURCES",
    "TABLES",
    "POST_KINDS",
    "arrow_schema",
    "empty_table",
    "schema_markdown",
]

POST_KINDS = ("post", "repost", "reply", "quote")

_STR = pa.string()
_TS = pa.timestamp("us")
_LIST = pa.list_(pa.string())


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    doc: str
    nullable: bool = True


POSTS: tuple[Column, ...] = (
    Column("platform", _STR, "Platform the post comes from: `twitter`, `bluesky`, `telegram`, or the name given to a mapped table.", False),
    Column("post_id", _STR, "The platform's id of the post, as the source gives it.", False),
    Column("account_id", _STR, "Id of the posting account (joins `accounts.account_id`).", False),
    Column("created_at", _TS, "When the post was made (UTC).", False),
    Column("text", _STR, "Full text as written (for reposts: the reposted text when the source gives it)."),
    Column("lang", _STR, "Language code the source assigns, if any."),
    Column("kind", _STR, "`post`, `repost`, `reply` or `quote` (a repost that is also a reply counts as a repost).", False),
    Column("ref_post_id", _STR, "For reposts the original post, for quotes the quoted post, for replies the parent post. Null for plain posts."),
    Column("ref_account_id", _STR, "Author of `ref_post_id` when the source says (an id, or `@handle` when only a handle is known)."),
    Column("hashtags", _LIST, "Hashtags without `#`, in order of appearance, case kept.", False),
    Column("urls", _LIST, "Linked URLs, expanded where the source gives the expansion.", False),
    Column("domains", _LIST, "Domains of the linked URLs when the source gives them apart from the URLs (e.g. CooRTweet's `domain_id`); otherwise empty and derived from `urls` where needed.", False),
    Column("mentions", _LIST, "Mentioned accounts: ids where the source gives ids, else lowercase handles prefixed with `@`.", False),
    Column("media_hashes", _LIST, "Perceptual hashes of attached images (`pdq:<hex>` or `phash:<hex>`), when known; an opaque image-cluster id (`phash_id:<id>`) when the source gives only that (CooRTweet).", False),
    Column("media_urls", _LIST, "Addresses or file names of attached media, when known.", False),
    Column("client", _STR, "Posting client or app (e.g. `Twitter Web App`), when known."),
    Column("source_id", pa.int64(), "The `sources` row this post was read from.", False),
)

ACCOUNTS: tuple[Column, ...] = (
    Column("platform", _STR, "Platform of the account.", False),
    Column("account_id", _STR, "The platform's id of the account, as the source gives it.", False),
    Column("handle", _STR, "Screen name / username without `@`, case kept."),
    Column("display_name", _STR, "Display name."),
    Column("description", _STR, "Profile bio."),
    Column("created_at", _TS, "When the account was created (UTC), if known."),
    Column("followers", pa.int64(), "Follower count at collection time."),
    Column("following", pa.int64(), "Following count at collection time."),
    Column("verified", pa.bool_(), "Whether the platform marked the account verified."),
    Column("avatar_hash", _STR, "Perceptual hash of the profile image (`pdq:<hex>` or `phash:<hex>`), if known."),
    Column("avatar_url", _STR, "Address or file name of the profile image, if known."),
    Column("url", _STR, "Link in the profile, if any."),
    Column("location", _STR, "Self-reported location."),
    Column("lang", _STR, "Account language the source reports."),
    Column("source_id", pa.int64(), "The `sources` row this account was first read from.", False),
)

REJECTS: tuple[Column, ...] = (
    Column("source_id", pa.int64(), "The `sources` row (file) the record came from.", False),
    Column("source", _STR, "Path of that file, as given.", False),
    Column("position", _STR, "Where in the file: `line 12`, `record 40`, `messages[7]`, `row 3`.", False),
    Column("reason", _STR, "Why the record was not accepted, in general words (the summary counts by this).", False),
    Column("detail", _STR, "The same reason with the particulars (the offending value, counts).", False),
    Column("raw", _STR, "The record exactly as read (decoded text), so nothing is lost.", False),
)

SOURCES: tuple[Column, ...] = (
    Column("source_id", pa.int64(), "Sequential id of an ingested file.", False),
    Column("path", _STR, "Path as given when ingested.", False),
    Column("sha256", _STR, "Content hash: ingesting a file with the same hash again adds nothing.", False),
    Column("bytes", pa.int64(), "File size.", False),
    Column("format", _STR, "Adapter that read it (see `cibscan formats`).", False),
    Column("ingested_at", _TS, "When it was ingested (UTC).", False),
    Column("posts", pa.int64(), "Posts added from it.", False),
    Column("accounts", pa.int64(), "New accounts added from it.", False),
    Column("rejects", pa.int64(), "Records rejected (see `rejects`).", False),
    Column("duplicates", pa.int64(), "Posts whose id was already stored (kept once; not rejects).", False),
)

TABLES: dict[str, tuple[Column, ...]] = {
    "posts": POSTS,
    "accounts": ACCOUNTS,
    "rejects": REJECTS,
    "sources": SOURCES,
}


def arrow_schema(columns: tuple[Column, ...]) -> pa.Schema:
    """The Arrow schema of a declared table."""
    return pa.schema([pa.field(c.name, c.type, nullable=c.nullable) for c in columns])


def empty_table(columns: tuple[Column, ...]) -> pa.Table:
    """A zero-row Arrow table with the declared schema."""
    return arrow_schema(columns).empty_table()


_TABLE_DOCS = {
    "posts": "One row per post, repost, reply or quote.",
    "accounts": "One row per account. An account seen in several files keeps its first values; later files only fill its empty fields.",
    "rejects": "Records that could not be read or used, kept whole with where they were and why (nothing is dropped silently).",
    "sources": "One row per ingested file.",
}


def _type_name(t: pa.DataType) -> str:
    if pa.types.is_list(t):
        return f"list<{_type_name(t.value_type)}>"
    if pa.types.is_timestamp(t):
        return "timestamp (UTC)"
    return {pa.string(): "string", pa.int64(): "int64", pa.bool_(): "bool", pa.float64(): "float64"}.get(t, str(t))


def schema_markdown() -> str:
    """``docs/schema.md``: every canonical table with its columns, types and meaning, generated
    from the declarations above."""
    doc = (__doc__ or "").split("Conventions\n-----------\n", 1)[-1].strip()
    lines = [
        "# Canonical tables",
        "",
        "<!-- Generated from src/cibscan/schema.py by `CIBSCAN_UPDATE_DOCS=1 pytest tests/test_schema_docs.py`; do not edit by hand. -->",
        "",
        "Every ingest adapter produces these tables and every detector reads them (through Ibis: "
        "`ws.table(name)`).",
        "",
        "## Conventions",
        "",
        doc,
        "",
    ]
    for name, cols in TABLES.items():
        lines += [f"## `{name}`", "", _TABLE_DOCS.get(name, ""), "", "| column | type | null | meaning |", "|---|---|---|---|"]
        for c in cols:
            meaning = c.doc.replace("|", "\\|")
            lines.append(f"| `{c.name}` | {_type_name(c.type)} | {'yes' if c.nullable else 'no'} | {meaning} |")
        lines.append("")
    lines += ["Post kinds: " + ", ".join(f"`{k}`" for k in POST_KINDS) + ".", ""]
    return "\n".join(lines)

