"""Pages of oversight tasks under /oversight/: the home page and the new-task form (`home`), a
task with its assignment tree and action forms (`task`), and the progress board (`board`)."""
