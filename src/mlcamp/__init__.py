"""mlcamp: the Machine Learning Engineering learning path as software."""

__version__ = "0.1.0"
"""mlcamp's version (the package's metadata reads it from here: see pyproject.toml)."""

__all__ = ["__version__", "load_ipython_extension"]


def load_ipython_extension(ipython: object) -> None:
    """`%load_ext mlcamp` in Jupyter: adds the `%%mlcamp check LAB` cell magic."""
    from mlcamp.notebook import load_ipython_extension as load

    load(ipython)
