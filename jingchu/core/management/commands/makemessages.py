"""`jingchu makemessages`: Django's, with `_lazy` also extracted.

Modules that need both the eager and the lazy gettext import the lazy one as `_lazy` (labels
defined at import time); xgettext only knows the standard names, so it is told about this one.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_lazy"]
