"""The bundle's program: `mammogan` as the PyInstaller executable `MammoGAN`.

freeze_support first: extraction's worker processes are spawned by re-running this executable,
which must then serve as a worker instead of opening the app. `app.entry.main` checks that a
window can open (app/display_check.py) before Qt is loaded, so a desktop without Qt's X11
libraries gets their package names instead of a core dump.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from app.entry import main

    sys.exit(main())
