#!/usr/bin/env python
"""Same as the `jingchu` console script, for those used to Django's manage.py."""

from jingchu.__main__ import main

if __name__ == "__main__":
    main()
