"""`python -m gan_cpd train ...`: see gan_common.cli."""

from gan_common.cli import main
from gan_cpd.family import CPD

if __name__ == "__main__":
    main(CPD)
