#!/bin/sh
# Install the unpacked MammoGAN bundle for this user: the program stays where this script is
# (move the folder first if you want it elsewhere), the menu entry goes to
# ~/.local/share/applications, the icon to ~/.local/share/icons and a `mammogan` command to
# ~/.local/bin. No root rights needed. `sh install.sh --uninstall` removes the three again.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
program="$here/MammoGAN/MammoGAN"
data="${XDG_DATA_HOME:-$HOME/.local/share}"
entry="$data/applications/mammogan.desktop"
icon="$data/icons/hicolor/scalable/apps/mammogan.svg"
command="$HOME/.local/bin/mammogan"

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$entry" "$icon" "$command"
    echo "removed the menu entry, the icon and $command (the folder $here stays)"
    exit 0
fi
if [ ! -x "$program" ]; then
    echo "install.sh: $program is missing: run this script from the unpacked folder" >&2
    exit 1
fi

mkdir -p "$(dirname "$entry")" "$(dirname "$icon")" "$(dirname "$command")"
cp "$here/mammogan.svg" "$icon"
# the entry names the program by its full path: ~/.local/bin is not on every desktop's PATH
sed "s|^Exec=.*|Exec=\"$program\"|" "$here/mammogan.desktop" > "$entry"
ln -sf "$program" "$command"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database "$(dirname "$entry")" || true

echo "MammoGAN is in the applications menu (Science), and \`mammogan\` runs it from a terminal"
echo "(if ~/.local/bin is on your PATH). Check it with: $program --version"
