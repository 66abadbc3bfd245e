"""Reader study: can radiologists tell an arm's synthetic images from real ones? (the study's second headline).

`study` builds one seeded, balanced study set per dataset and arm (real test images and synthetic images of the
same label vectors, per arm value and source), with its answer key kept apart from the folder a browser is
served from; `store` keeps readers' answers in SQLite; `app` is the local web app readers answer in
(`synthbench reader serve`); `statistics` and `analysis` turn the exported answers into the study's table and
figure; `simulate` makes readers of known accuracy, which the tests and a dry run of a study use.
"""
