"""`python -m partnergraph` is the same as the `partnergraph` command."""

from .cli import main

main(prog_name="partnergraph")
