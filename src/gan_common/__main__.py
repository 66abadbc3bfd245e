"""`python -m gan_common infer ...`: see gan_common.cli."""

from gan_common.cli import main

if __name__ == "__main__":
    main()
