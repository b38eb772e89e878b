"""`python -m mlcamp` runs the command line."""

from mlcamp.launch import main

main()
