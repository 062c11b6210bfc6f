"""Pages of the programme app: the officer's cycle and rule pages, and the public call and self-check."""
