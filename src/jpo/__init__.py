"""jpo: Japan's Junior Professional Officer programme, end to end."""
