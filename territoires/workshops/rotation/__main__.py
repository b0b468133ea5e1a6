import sys

from territoires.workshops.rotation.cli import main

sys.exit(main())
