"""The `jingchu` console script: every management command of the platform."""

import os
import sys


def _print_config() -> None:
    # Works before the settings load, so an operator can see what is missing.
    from jingchu.config import describe

    for name, type_name, default, shown, doc in describe():
        print(f"{name} ({type_name}, default: {default or '-'})")
        print(f"    value: {shown}")
        print(f"    {doc}")


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jingchu.settings")
    if sys.argv[1:2] == ["config"]:
        _print_config()
        return
    from django.core.management import execute_from_command_line

    from jingchu.config import ConfigError

    try:
        execute_from_command_line(sys.argv)
    except ConfigError as exc:
        print(f"jingchu: configuration error: {exc}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
