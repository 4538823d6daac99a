import sys

from bench.cli import main

try:
    sys.exit(main())
except KeyboardInterrupt:
    print("interrupted", file=sys.stderr)
    sys.exit(130)
