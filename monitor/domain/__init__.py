"""Pure clinical rules: values in, values out; no framework, no database."""
