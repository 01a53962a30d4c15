"""Pages of 好差评, split by who uses them."""
