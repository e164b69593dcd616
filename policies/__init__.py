"""classguard's pure core: the policy model and loader, the domain matcher, the
schedule, override tokens, decide() and PAC generation.

No I/O beyond reading a file it is given, no clock of its own (see clock.py, the one
module that reads it), no network, no framework.
"""
