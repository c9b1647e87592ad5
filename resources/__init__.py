"""Static resources (stylesheet, icons, demo settings), shipped as `mammogan_resources`."""
