"""`python -m rasid.cli`: the same as the `rasid` command."""

from rasid.cli.app import main

main()
