"""DenseNet-121 classifiers trained on real or synthetic data and tested on the real test split."""
