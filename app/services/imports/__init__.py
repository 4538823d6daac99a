"""Bank-file imports: reading bank exports (`formats`) into rows a job can book."""
