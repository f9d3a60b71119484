"""python -m mlp_lessons.grading submissions/ [--out grades.csv] [--timeout 30] [--jobs N]"""

import sys

from . import main

sys.exit(main())
