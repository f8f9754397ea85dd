"""Run the command line with ``python -m kleinkasso``."""

from kleinkasso.cli.main import run_cli

run_cli()
