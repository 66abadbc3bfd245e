"""Code shared by every synthbench stage: config validation, raw-download formats, file conventions."""
