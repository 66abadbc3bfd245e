"""Small raw datasets in the exact layouts of the public CheXpert and RSNA downloads, made from a seed.

Each finding or haemorrhage subtype paints its own visible pattern, so classifiers can learn the labels
and GANs can reproduce them; the benchmark's answers on demo data can therefore be checked.
"""
