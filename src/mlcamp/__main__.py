"""`python -m mlcamp` runs the command line."""

from mlcamp.cli import main

main()
