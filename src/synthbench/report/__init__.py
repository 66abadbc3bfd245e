"""The HTML report's parts: captions (`*.rst`, read by Snakemake's reporter) and the pages that are not figures."""
