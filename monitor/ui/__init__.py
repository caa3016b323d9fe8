"""Screen building blocks: component ids, builders, figures and the page shell. No database."""
