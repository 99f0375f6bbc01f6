"""The ``cibscan`` command: a thin layer over the Python API, one file per command.

Every ``CibscanError`` the library raises ends here as one line on stderr and exit code 2;
nothing else in the package prints or exits.
"""

from __future__ import annotations

import sys

from ..errors import CibscanError
from .app import app, console_err

# Each module registers its command on ``app`` when imported.
from . import formats as _formats  # noqa: F401,E402
from . import info as _info  # noqa: F401,E402
from . import ingest as _ingest  # noqa: F401,E402
from . import report as _report  # noqa: F401,E402
from . import run as _run  # noqa: F401,E402
from . import simulate as _simulate  # noqa: F401,E402
from . import demo as _demo  # noqa: F401,E402
from . import scan as _scan  # noqa: F401,E402
from . import export as _export  # noqa: F401,E402
from . import evidence as _evidence  # noqa: F401,E402
from . import accounts as _accounts  # noqa: F401,E402
from . import floods as _floods  # noqa: F401,E402
from . import personas as _personas  # noqa: F401,E402
from . import launder as _launder  # noqa: F401,E402

__all__ = ["app", "main"]


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``cibscan`` command. Called with ``argv`` (tests), it returns the
    exit code instead of exiting."""
    try:
        app(args=argv, prog_name="cibscan")
        code = 0
    except SystemExit as e:  # usage errors (2), --help (0), explicit exits
        code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
    except CibscanError as e:
        console_err.print(f"cibscan: error: {e}", markup=False, highlight=False, soft_wrap=True)
        code = 2
    except KeyboardInterrupt:
        console_err.print("cibscan: interrupted")
        code = 130
    if argv is None:
        sys.exit(code)
    return code
