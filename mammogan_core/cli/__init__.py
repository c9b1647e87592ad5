"""The `mammogan` command line (headless)."""
