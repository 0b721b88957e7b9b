"""handout: branded, printable self-care handouts and pocket cards."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("handout")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0"

__all__ = ["__version__"]
