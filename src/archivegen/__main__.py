import sys

from archivegen.commands.cli import main

sys.exit(main())
