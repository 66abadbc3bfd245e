"""The generator catalogue: every trained generator as a searchable, rankable, shareable model (cards, the
`Generators` API, `synthbench models`)."""
