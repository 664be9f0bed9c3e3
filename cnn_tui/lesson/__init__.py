"""The lesson, free of any UI: one module per chapter (``chapters/``), the workbench they share,
and the model that holds them with one chapter open."""
