"""mlcamp: the Machine Learning Engineering learning path as software."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mlcamp")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+unknown"

__all__ = ["__version__", "load_ipython_extension"]


def load_ipython_extension(ipython: object) -> None:
    """`%load_ext mlcamp` in Jupyter: adds the `%%mlcamp check LAB` cell magic."""
    from mlcamp.notebook import load_ipython_extension as load

    load(ipython)
