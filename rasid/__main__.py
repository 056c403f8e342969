"""`python -m rasid …` runs the command line, as `rasid …` does."""

from rasid.cli import main

main()
