# %% [markdown]
# # From an export file to the ranked accounts data frame (cibscan's Python API)
#
# A notebook-style script: run it whole (`python docs/api_example.py EXPORT [WORKSPACE]`) or cell
# by cell in an editor that understands `# %%`. It does what `cibscan run` does, step by step,
# and ends with a pandas data frame of flagged accounts, strongest first.

# %%
import sys

import cibscan
from cibscan.detect import DETECTORS, run_scan
from cibscan.report import build_report, export_tables, ranked_accounts

EXPORT = sys.argv[1] if len(sys.argv) > 1 else "tweets.csv"  # any format `cibscan formats` lists
WORKSPACE = sys.argv[2] if len(sys.argv) > 2 else "case.duckdb"

# %% [markdown]
# ## 1. Ingest: the file becomes the canonical `posts` and `accounts` tables
# Bad records are kept in `rejects` with the reason; re-ingesting the same file adds nothing.

# %%
ws = cibscan.open_workspace(WORKSPACE)
ingested = ws.ingest([EXPORT])
print(f"{ingested.total('posts'):,} posts, {ingested.total('accounts'):,} accounts, {ingested.total('rejects'):,} rejects")
print(ingested.reject_reasons)

# %% [markdown]
# ## 2. Detect: every registered detector, with its declared parameters
# Override one with `params={"coordination": {"window": 60}}`; the parameters used are
# stored with every finding.

# %%
print("detectors:", ", ".join(DETECTORS) or "(none registered)")
results = run_scan(ws)
for name, found in results.items():
    print(f"{name}: {len(found)} findings about {len(found.accounts())} accounts")

# %% [markdown]
# ## 3. The ranked accounts, as a data frame
# Columns: account_id, handle, score, confidence, detectors, n_findings, statement.

# %%
ranked = ranked_accounts(ws)
print(ranked.head(20).to_string())

# %% [markdown]
# Every finding with its evidence is one query away (Ibis tables, here as pandas):

# %%
if ws.has_table("findings"):
    findings = ws.to_pandas("findings").sort_values("score", ascending=False)
    evidence = ws.to_pandas("evidence")
    print(findings[["detector", "title", "confidence", "score"]].head(10).to_string())

# %% [markdown]
# ## 4. The report and the exports, as `cibscan run` writes them

# %%
build_report(ws, "report.html")
export_tables(ws, "exports")
ws.close()
