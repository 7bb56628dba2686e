"""The code of the command-line entry points ``tools/train.py`` and
``tools/test.py`` (:mod:`.train`, :mod:`.test`): argument parsing, folding
the command line into the config, the one-line report of a config error.
The scripts under ``tools/`` only call :func:`.train.cli` /
:func:`.test.cli`; tests and other tools import these modules."""
