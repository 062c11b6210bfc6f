"""Every write of the placement app, one function per use case (see the topic modules)."""
