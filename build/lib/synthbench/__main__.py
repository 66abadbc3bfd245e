"""`python -m synthbench ...`: the same command line as the `synthbench` console script (see synthbench.cli)."""

from synthbench.cli import main

if __name__ == "__main__":
    main()
