"""The lecture's own numbers, shared by the lesson and the quiz: the X and O pictures and their
variants, the three features, the edge kernels, the practice matrices, the vote connections,
and the hand-wired network that runs them (no UI imports)."""
