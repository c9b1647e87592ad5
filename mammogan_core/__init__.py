"""MammoGAN core library: data, training and evaluation for DCGAN lesion synthesis.

Never imports Qt: everything here runs headless (CLI, scripts, cluster nodes).
"""

__version__ = "0.1.0"
