"""Cross-cutting building blocks every app may use; imports no other part of jpo."""
