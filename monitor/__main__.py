"""``python -m monitor``: the ``netra`` command without the installed script."""

from monitor.cli import main

if __name__ == "__main__":
    main()
