"""Outside generators: images or exported generators made elsewhere, entered into the benchmark as sources.

`synthbench outside intake` turns one arm value's images folder (`pool`) or generator package into what a
family's training job leaves for the stages after it: the synthetic splits (one image per real row, with that
row's labels), the features of the rows the FID statistics came from, and a sample grid; so the metrics,
classifiers, memorisation search, attribution and figures treat it as they treat the families.
"""
