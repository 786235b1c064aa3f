"""Files put in place by a hard link where the file system allows one, by a copy where not.

The build cache's stored files, the site and the search index share bytes this
way: nothing ever writes into a file in place, so a link is as good as a copy
and costs no space (an output folder on another disk gets copies).
"""

from __future__ import annotations

import os
import shutil


def link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)
