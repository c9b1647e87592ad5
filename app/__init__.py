"""MammoGAN desktop app (Qt). Importing this package does not import Qt; see app.entry."""
