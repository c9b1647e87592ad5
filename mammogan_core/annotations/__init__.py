"""One parser per annotation format, all mapping to `schema.Finding`."""
