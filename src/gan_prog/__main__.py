"""`python -m gan_prog train ...`: see gan_common.cli."""

from gan_common.cli import main
from gan_prog.family import PROG

if __name__ == "__main__":
    main(PROG)
