import sys

from driftboard.dashboards.build import main

sys.exit(main())
