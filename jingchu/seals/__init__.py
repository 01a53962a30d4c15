"""电子印章: organizations' electronic seals on SM2/SM3, after GB/T 38540 (docs/seals.md)."""
