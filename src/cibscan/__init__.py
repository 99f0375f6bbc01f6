"""cibscan: find coordinated inauthentic behaviour in social-media exports and show the evidence."""

from .errors import CibscanError
from .workspace import Workspace, open_workspace

__version__ = "0.1.0"

__all__ = ["CibscanError", "Workspace", "open_workspace", "__version__"]
