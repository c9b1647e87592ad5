"""The user guide (Markdown), shipped as the package `mammogan_docs` so that Help > User guide
finds it in an installed app or bundle, without a network."""
