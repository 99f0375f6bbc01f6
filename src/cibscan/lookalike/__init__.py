"""Lookalike strings: TR39 confusable skeletons, mixed scripts, edit classes, a
symmetric-deletion index, and registered domains of outlets.

Small helpers, each in a module named for what it holds; the detectors
``detect.impersonation`` and ``detect.spoofed_domains`` are built from them.
"""

from .confusables import CONFUSABLES_VERSION, EXTRA_MAP, confusable_chars, handle_key, handle_keys, handle_keys_many, load_confusables, plain_key, skeleton
from .display import visible
from .domains import DomainMatch, OutletMatcher, decode_idna, host_of, registered_domain, split_domain
from .names import bio_overlap, name_key, name_similarity, spells_handle, word_set
from .edits import LOOKALIKE_CLASSES, classify_edit, max_edits_for, osa_distance, strip_separators
from .scripts import is_mixed_script, script_of, scripts_of
from .symdel import DeletionIndex, deletion_hashes, iter_deletions, symmetric_deletion_join
from .handles import edit_budget, match_handles

__all__ = [
    "CONFUSABLES_VERSION",
    "EXTRA_MAP",
    "LOOKALIKE_CLASSES",
    "DeletionIndex",
    "DomainMatch",
    "OutletMatcher",
    "classify_edit",
    "confusable_chars",
    "decode_idna",
    "deletion_hashes",
    "edit_budget",
    "match_handles",
    "handle_key",
    "handle_keys",
    "handle_keys_many",
    "plain_key",
    "host_of",
    "is_mixed_script",
    "iter_deletions",
    "load_confusables",
    "max_edits_for",
    "name_key",
    "name_similarity",
    "spells_handle",
    "bio_overlap",
    "word_set",
    "osa_distance",
    "registered_domain",
    "script_of",
    "scripts_of",
    "skeleton",
    "split_domain",
    "symmetric_deletion_join",
    "strip_separators",
    "visible",
]
